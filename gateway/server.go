package gateway

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/netutil"
)

// Server serves a Gateway on a listener with the bounds a server open to
// other clients needs: a cap on connections, and timeouts for a client
// slow to send its request line and headers and for an idle keep-alive
// connection. (The gateway itself bounds the body: API.BodyTimeout and
// API.Limits.) A zero field means its default. lambdagate.Start serves
// through a Server.
type Server struct {
	// Gateway is the gateway served.
	Gateway *Gateway
	// MaxConns caps the connections open at once; a client beyond it
	// waits for one to close. Zero means [DefaultMaxConns].
	MaxConns int
	// ReadHeaderTimeout bounds the time to read a request's line and
	// headers; zero means [DefaultReadHeaderTimeout].
	ReadHeaderTimeout time.Duration
	// IdleTimeout bounds the time a keep-alive connection waits for its
	// next request; zero means [DefaultIdleTimeout].
	IdleTimeout time.Duration

	mu  sync.Mutex
	srv *http.Server
}

// The Server's defaults. AWS's own front ends are not local servers: an
// ALB closes connections idle for 60 s by default, which IdleTimeout
// follows; the others are lambdagate's choice for a development server.
const (
	DefaultMaxConns          = 256
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
)

// Serve accepts connections on ln and serves them until Close, or until
// accepting fails. It returns http.ErrServerClosed after Close.
func (s *Server) Serve(ln net.Listener) error {
	max := s.MaxConns
	if max <= 0 {
		max = DefaultMaxConns
	}
	srv := &http.Server{
		Handler:           s.Gateway,
		ReadHeaderTimeout: orDefault(s.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		IdleTimeout:       orDefault(s.IdleTimeout, DefaultIdleTimeout),
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	return srv.Serve(netutil.LimitListener(ln, max))
}

// Close closes the listener and every connection at once, WebSocket
// connections included (see [Gateway.Close]).
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Close()
	s.Gateway.Close()
	return err
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
