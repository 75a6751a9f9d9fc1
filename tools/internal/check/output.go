package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as aligned tables: the MCP server's checks,
// then each authorization server's, then the token's, and a summary line.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	if rr := r.Resource; rr != nil {
		fmt.Fprintf(&b, "MCP server %s\n", rr.URL)
		if rr.MetadataURL != "" {
			fmt.Fprintf(&b, "Protected resource metadata (%s): %s\n", rr.FoundVia, rr.MetadataURL)
		}
		b.WriteString("\n")
		if err := writeResults(&b, rr.Checks); err != nil {
			return err
		}
	}
	for _, s := range r.AuthorizationServers {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Authorization server %s\n", s.Issuer)
		if s.DiscoveryURL != "" {
			fmt.Fprintf(&b, "Discovery (%s): %s\n", s.Type, s.DiscoveryURL)
		}
		b.WriteString("\n")
		if err := writeResults(&b, s.Checks); err != nil {
			return err
		}
	}
	if r.Token != nil {
		b.WriteString("\n")
		if err := writeResults(&b, []Result{r.Token.Result}); err != nil {
			return err
		}
	}
	verdict := "OK: no check failed"
	if r.Failed() {
		verdict = "FAILED"
	}
	fmt.Fprintf(&b, "\n%s (%d pass, %d warn, %d fail, %d skip)\n", verdict, r.Summary.Pass, r.Summary.Warn, r.Summary.Fail, r.Summary.Skip)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeResults writes one table: status, check, detail.
func writeResults(b *strings.Builder, results []Result) error {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tDETAIL")
	for _, c := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(c.Status)), c.Title, oneLine(c.Detail))
	}
	return tw.Flush()
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// oneLine keeps a detail on its row: a tab or line break from a server's
// answer would break the table.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
