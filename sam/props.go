package sam

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// props reads the properties of one part of a template, as CloudFormation
// reads them: a number where a string is wanted is its decimal string, a
// numeric string where a number is wanted is the number, "true" and
// "false" are booleans. It remembers which properties were read, so that
// every other one can be reported as not emulated.
type props struct {
	rep   *report
	where string
	m     map[string]any
	used  map[string]bool
}

func newProps(rep *report, where string, v any) *props {
	m, _ := v.(map[string]any)
	if v != nil && m == nil {
		if why, ok := isUnresolved(v); ok {
			rep.note(where, "not emulated: %s", why)
		} else {
			rep.fail(where, "want a mapping, not %v", short(v))
		}
	}
	return &props{rep: rep, where: where, m: m, used: map[string]bool{}}
}

// short returns v for a message, cut to a reasonable length.
func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// has reports whether key is set (to something other than null).
func (p *props) has(key string) bool {
	v, ok := p.m[key]
	return ok && v != nil
}

// raw returns key's value, marking it read; an unresolved value is
// reported and absent.
func (p *props) raw(key string) (any, bool) {
	p.used[key] = true
	v, ok := p.m[key]
	if !ok || v == nil {
		return nil, false
	}
	v = p.prune(path(p.where, key), v, 0)
	return v, v != nil
}

// prune returns v without its unresolved values, each reported at its
// place: a map loses the key, a list the element.
func (p *props) prune(where string, v any, d int) any {
	if why, ok := isUnresolved(v); ok {
		p.rep.note(where, "not emulated, left unset: %s", why)
		return nil
	}
	if d > maxDepth {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		var out map[string]any
		for _, k := range slices.Sorted(maps.Keys(v)) {
			e := p.prune(path(where, k), v[k], d+1)
			if e == nil && v[k] != nil {
				if out == nil {
					out = maps.Clone(v)
				}
				delete(out, k)
			}
		}
		if out != nil {
			return out
		}
	case []any:
		var out []any
		for i, e := range v {
			pe := p.prune(path(where, fmt.Sprint(i)), e, d+1)
			if pe == nil && e != nil {
				if out == nil {
					out = slices.Clone(v[:i])
				}
				continue
			}
			if out != nil {
				out = append(out, pe)
			}
		}
		if out != nil {
			return out
		}
	}
	return v
}

// str returns key's value as a string.
func (p *props) str(key string) (string, bool) {
	v, ok := p.raw(key)
	if !ok {
		return "", false
	}
	s, ok := scalar(v)
	if !ok {
		p.rep.fail(path(p.where, key), "want a string, not %v", short(v))
	}
	return s, ok
}

// strOr returns key's string, or def.
func (p *props) strOr(key, def string) string {
	if s, ok := p.str(key); ok {
		return s
	}
	return def
}

// num returns key's value as an integer.
func (p *props) num(key string) (int, bool) {
	v, ok := p.raw(key)
	if !ok {
		return 0, false
	}
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			p.rep.fail(path(p.where, key), "want a number, not %q", v)
			return 0, false
		}
	default:
		p.rep.fail(path(p.where, key), "want a number, not %v", short(v))
		return 0, false
	}
	if f != float64(int(f)) {
		p.rep.fail(path(p.where, key), "want an integer, not %v", f)
		return 0, false
	}
	return int(f), true
}

// boolean returns key's value as a boolean.
func (p *props) boolean(key string) (bool, bool) {
	v, ok := p.raw(key)
	if !ok {
		return false, false
	}
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(v) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	p.rep.fail(path(p.where, key), "want true or false, not %v", short(v))
	return false, false
}

// strs returns key's value as a list of strings; a single string is a
// list of one.
func (p *props) strs(key string) []string {
	v, ok := p.raw(key)
	if !ok {
		return nil
	}
	if s, ok := scalar(v); ok {
		return []string{s}
	}
	list, ok := v.([]any)
	if !ok {
		p.rep.fail(path(p.where, key), "want a list of strings, not %v", short(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		if e == nil {
			continue // AWS::NoValue
		}
		s, ok := scalar(e)
		if !ok {
			p.rep.fail(path(p.where, key), "want a list of strings, not %v", short(v))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// strMap returns key's value as a map of strings.
func (p *props) strMap(key string) map[string]string {
	v, ok := p.raw(key)
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		p.rep.fail(path(p.where, key), "want a mapping, not %v", short(v))
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		if e == nil {
			continue
		}
		s, ok := scalar(e)
		if !ok {
			p.rep.fail(path(p.where, key, k), "want a string, not %v", short(e))
			continue
		}
		out[k] = s
	}
	return out
}

// obj returns key's value as properties of their own.
func (p *props) obj(key string) *props {
	v, _ := p.raw(key)
	return newProps(p.rep, path(p.where, key), v)
}

// ignore marks keys read: they change nothing a local client sees.
func (p *props) ignore(keys ...string) {
	for _, k := range keys {
		p.used[k] = true
	}
}

// rest reports every property that was not read as not emulated.
func (p *props) rest() {
	for _, k := range slices.Sorted(maps.Keys(p.m)) {
		if !p.used[k] && p.m[k] != nil {
			p.rep.note(path(p.where, k), "not emulated")
		}
	}
}
