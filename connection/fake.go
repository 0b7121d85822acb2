package connection

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Fake is an in-memory [Client] for unit tests of functions. Every
// connection id is connected until the test calls [Fake.Disconnect] or
// the function deletes it; after that it is [ErrGone]. The zero value is
// ready to use and safe for concurrent use.
type Fake struct {
	mu      sync.Mutex
	sent    []Message
	deleted []string
	gone    map[string]bool
	info    map[string]Info
}

// A Message is what a function posted to a connection.
type Message struct {
	ConnectionID string
	Data         []byte
}

// Post records data for the connection, or returns ErrGone.
func (f *Fake) Post(ctx context.Context, id string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[id] {
		return ErrGone
	}
	f.sent = append(f.sent, Message{ConnectionID: id, Data: slices.Clone(data)})
	return nil
}

// Get returns the state set with [Fake.Connect] (zero fields for other
// connections), or ErrGone.
func (f *Fake) Get(ctx context.Context, id string) (Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[id] {
		return Info{}, ErrGone
	}
	return f.info[id], nil
}

// Delete records the deletion and makes the connection gone, or returns
// ErrGone.
func (f *Fake) Delete(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[id] {
		return ErrGone
	}
	f.deleted = append(f.deleted, id)
	f.markGone(id)
	return nil
}

// Connect sets the state Get returns for id (zero times mean now) and
// makes the connection connected again.
func (f *Fake) Connect(id string, info Info) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if info.ConnectedAt.IsZero() {
		info.ConnectedAt = time.Now()
	}
	if info.LastActiveAt.IsZero() {
		info.LastActiveAt = info.ConnectedAt
	}
	if f.info == nil {
		f.info = map[string]Info{}
	}
	f.info[id] = info
	delete(f.gone, id)
}

// Disconnect makes the connection gone, as a client that went away.
func (f *Fake) Disconnect(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.markGone(id)
}

func (f *Fake) markGone(id string) {
	if f.gone == nil {
		f.gone = map[string]bool{}
	}
	f.gone[id] = true
}

// Sent returns the messages posted so far, in order.
func (f *Fake) Sent() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// SentTo returns the data posted to one connection, in order.
func (f *Fake) SentTo(id string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]byte
	for _, m := range f.sent {
		if m.ConnectionID == id {
			out = append(out, m.Data)
		}
	}
	return out
}

// Deleted returns the connections deleted so far, in order.
func (f *Fake) Deleted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.deleted)
}

var _ Client = (*Fake)(nil)
