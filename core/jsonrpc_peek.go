package mcpauth

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// This file reads, from a request body, the JSON-RPC operations the
// per-operation scopes (BearerOptions.MethodScopes and ToolScopes) are about:
// each message's "method" and, in its "params" object, "name". It is written
// by hand because no JSON library reports duplicate keys and case variants,
// which an attacker would use to show this check one operation and the MCP
// SDK another (see visitOperations). The grammar itself is encoding/json's:
// the walker below runs only on bytes json.Valid (or json.Decoder) accepted.

// Keys compared with bytes.EqualFold, as encoding/json matches struct fields.
var (
	keyMethod = []byte("method")
	keyParams = []byte("params")
	keyName   = []byte("name")
)

// visitOperations calls sink.message once per JSON-RPC message of body, with every
// "method" string value of the message and every "name" string value of
// every "params" object of it. It is deliberately generous, so that the
// scopes derived from it are at least those of the operation any JSON
// decoder would see:
//
//   - keys are matched case-insensitively with Unicode simple folding
//     (encoding/json, which mark3labs/mcp-go uses, matches struct fields so:
//     "METHOD" and "paramſ" count), and every occurrence of a duplicated
//     key counts (decoders keep the first or the last one);
//   - a batch (a top-level array) visits each of its object elements; other
//     elements are not messages and are skipped;
//   - a body that is not one valid JSON value (two values one after the
//     other, or a valid value followed by garbage) visits every complete
//     value json.Decoder reads before the first syntax error: a decoder that
//     reads only the first value, or all of them, sees nothing more;
//   - a body that starts with invalid JSON visits nothing: every MCP SDK
//     answers it with a JSON-RPC parse error and runs no operation.
//
// A string value is decoded as encoding/json does (escapes, and invalid
// UTF-8 replaced by U+FFFD) before sink sees it. (sink is a concrete type,
// not a func, so that the messages' small buffers stay on the stack.)
func visitOperations(body []byte, sink *operationSink) {
	if json.Valid(body) {
		walkTop(body, sink)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return
		}
		walkTop(raw, sink)
	}
}

// walkTop visits the message, or the messages of the batch, of one valid JSON
// value.
func walkTop(data []byte, sink *operationSink) {
	w := walker{data: data}
	w.space()
	switch w.peek() {
	case '{':
		w.message(sink)
	case '[':
		w.pos++
		w.space()
		if w.peek() == ']' {
			return
		}
		for {
			w.space()
			if w.peek() == '{' {
				w.message(sink)
			} else {
				w.skipValue()
			}
			w.space()
			if w.peek() != ',' {
				return
			}
			w.pos++
		}
	}
}

// walker reads a valid JSON value; on invalid input it never panics or
// loops (every key read advances, every separator check advances or stops),
// it only reads garbage.
type walker struct {
	data []byte
	pos  int
}

func (w *walker) peek() byte {
	if w.pos < len(w.data) {
		return w.data[w.pos]
	}
	return 0
}

func (w *walker) space() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// message reads the object at w.pos and gives its methods and names to
// sink. Up to four of each are kept without allocating.
func (w *walker) message(sink *operationSink) {
	var mbuf, nbuf [4][]byte
	methods, names := mbuf[:0], nbuf[:0]
	for key, ok := w.firstKey(); ok; key, ok = w.nextKey() {
		switch {
		case bytes.EqualFold(key, keyMethod) && w.peek() == '"':
			methods = append(methods, w.stringValue())
		case bytes.EqualFold(key, keyParams) && w.peek() == '{':
			for key, ok := w.firstKey(); ok; key, ok = w.nextKey() {
				if bytes.EqualFold(key, keyName) && w.peek() == '"' {
					names = append(names, w.stringValue())
				} else {
					w.skipValue()
				}
			}
		default:
			w.skipValue()
		}
	}
	sink.message(methods, names)
}

// firstKey enters the object at w.pos and reads its first member's key,
// leaving w on the member's value; ok is false for an empty object (w is
// then past it).
func (w *walker) firstKey() (key []byte, ok bool) {
	w.pos++ // '{'
	return w.key()
}

// nextKey moves past the separator after a member's value and reads the
// next member's key; ok is false at the end of the object (w is then past
// it).
func (w *walker) nextKey() (key []byte, ok bool) {
	w.space()
	if w.peek() != ',' {
		w.pos++ // '}' (or garbage: stop)
		return nil, false
	}
	w.pos++
	return w.key()
}

// key reads a member's key and the colon after it.
func (w *walker) key() (key []byte, ok bool) {
	w.space()
	if w.peek() != '"' {
		w.pos++ // '}' (or garbage: stop)
		return nil, false
	}
	key = w.stringValue()
	w.space()
	w.pos++ // ':'
	w.space()
	return key, true
}

// stringValue reads the string at w.pos and returns its decoded value: the
// raw bytes when they hold no escape and are valid UTF-8, else
// encoding/json's decoding of them.
func (w *walker) stringValue() []byte {
	start := w.pos
	w.skipString()
	raw := w.data[start:w.pos]
	if len(raw) < 2 {
		return nil
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	return []byte(s)
}

// skipString moves past the string at w.pos (its closing quote included):
// to the first quote not escaped, that is preceded by an even number of
// backslashes (IndexByte makes long strings cheap).
func (w *walker) skipString() {
	w.pos++ // opening quote
	for {
		i := bytes.IndexByte(w.data[w.pos:], '"')
		if i < 0 {
			w.pos = len(w.data)
			return
		}
		end := w.pos + i
		backslashes := 0
		for j := end - 1; j >= w.pos && w.data[j] == '\\'; j-- {
			backslashes++
		}
		w.pos = end + 1
		if backslashes%2 == 0 {
			return
		}
	}
}

// skipValue moves past the value at w.pos.
func (w *walker) skipValue() {
	switch w.peek() {
	case '"':
		w.skipString()
	case '{', '[':
		depth := 0
		for w.pos < len(w.data) {
			switch w.data[w.pos] {
			case '"':
				w.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					w.pos++
					return
				}
			}
			w.pos++
		}
	default: // number, true, false, null
		for w.pos < len(w.data) {
			switch w.data[w.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			w.pos++
		}
	}
}
