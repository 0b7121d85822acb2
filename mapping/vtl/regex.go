package vtl

import (
	"sync"
	"sync/atomic"

	"github.com/lambdagate/lambdagate/internal/jregex"
)

// A regexCache keeps the Java regexes a template compiled (or failed to
// compile), at most max of them, for all its executions. It is safe for
// concurrent use.
type regexCache struct {
	m   sync.Map // pattern → regexEntry
	n   atomic.Int64
	max int64
}

type regexEntry struct {
	re  *jregex.Regexp
	err error
}

// compileCostPerByte is how many bytes of work compiling one byte of a
// pattern is counted as.
const compileCostPerByte = 8

func newRegexCache(max int) *regexCache { return &regexCache{max: int64(max)} }

// get returns the compiled pattern, compiling it on a miss and paying
// for that from b.
func (c *regexCache) get(pat string, b *budget) (*jregex.Regexp, error) {
	if e, ok := c.m.Load(pat); ok {
		e := e.(regexEntry)
		return e.re, e.err
	}
	if err := b.chargeBytes(len(pat) * compileCostPerByte); err != nil {
		return nil, err
	}
	re, err := jregex.Compile(pat)
	if c.n.Add(1) > c.max {
		c.n.Add(-1)
	} else if _, loaded := c.m.LoadOrStore(pat, regexEntry{re, err}); loaded {
		c.n.Add(-1)
	}
	return re, err
}
