package event

import (
	"testing"
	"unsafe"
)

// TestRoutingFieldsFirst checks the layout routing relies on: the fields
// a router reads and writes for every request (Method, Path, RouteKey and
// PathParameters) start the Request, so that they take two cache lines,
// not three: a Request, of 1 KiB's size class, starts a line.
func TestRoutingFieldsFirst(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("layout is tuned for 64-bit platforms")
	}
	var r Request
	for _, f := range []struct {
		name      string
		off, size uintptr
	}{
		{"Method", unsafe.Offsetof(r.Method), unsafe.Sizeof(r.Method)},
		{"Path", unsafe.Offsetof(r.Path), unsafe.Sizeof(r.Path)},
		{"RouteKey", unsafe.Offsetof(r.RouteKey), unsafe.Sizeof(r.RouteKey)},
		{"PathParameters", unsafe.Offsetof(r.PathParameters), unsafe.Sizeof(r.PathParameters)},
	} {
		if end := f.off + f.size; end > 72 {
			t.Errorf("Request.%s ends at byte %d; the routing fields should end by byte 72", f.name, end)
		}
	}
}
