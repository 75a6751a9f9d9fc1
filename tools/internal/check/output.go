package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as an aligned table: a heading naming the
// issuer, one row per check (status, check, detail) and a summary line.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Authorization server %s\n", r.Issuer)
	if r.DiscoveryURL != "" {
		fmt.Fprintf(&b, "Discovery (%s): %s\n", r.Type, r.DiscoveryURL)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tDETAIL")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(c.Status)), c.Title, oneLine(c.Detail))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "OK: no check failed"
	if r.Failed() {
		verdict = "FAILED"
	}
	fmt.Fprintf(&b, "\n%s (%d pass, %d warn, %d fail, %d skip)\n", verdict, r.Summary.Pass, r.Summary.Warn, r.Summary.Fail, r.Summary.Skip)
	_, err := io.WriteString(w, b.String())
	return err
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
