package mcpauth

import "strings"

// challengeBuilder builds a Bearer WWW-Authenticate header value (RFC 6750 §3,
// RFC 9728 §5.1). Parameters are written in the order they are set; empty
// values are skipped. Values are written as RFC 9110 quoted-strings: a double
// quote or backslash is escaped, and a character outside printable ASCII
// (which RFC 6750 forbids in error_description) is replaced by '?', so the
// header always parses.
//
// The zero value is ready to use.
type challengeBuilder struct {
	b strings.Builder
}

// Set appends name="value" unless value is empty, and returns c.
func (c *challengeBuilder) Set(name, value string) *challengeBuilder {
	if value == "" {
		return c
	}
	if c.b.Len() == 0 {
		c.b.WriteString("Bearer ")
	} else {
		c.b.WriteString(", ")
	}
	c.b.WriteString(name)
	c.b.WriteString(`="`)
	for i := 0; i < len(value); i++ {
		ch := value[i]
		switch {
		case ch == '"' || ch == '\\':
			c.b.WriteByte('\\')
			c.b.WriteByte(ch)
		case ch < 0x20 || ch > 0x7e:
			c.b.WriteByte('?')
		default:
			c.b.WriteByte(ch)
		}
	}
	c.b.WriteByte('"')
	return c
}

// String returns the header value: "Bearer" alone when no parameter was
// set (a valid challenge: RFC 6750 §3 sends no error when the request had no
// credentials), else "Bearer " and the parameters joined by ", ".
func (c *challengeBuilder) String() string {
	if c.b.Len() == 0 {
		return "Bearer"
	}
	return c.b.String()
}
