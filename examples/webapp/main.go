package main

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/nethttp"
)

// NewMux returns the application, which knows nothing of Lambda.
func NewMux(tick time.Duration) *http.ServeMux {
	logo := drawLogo()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>webapp</title><h1>Hello from %s</h1><img src=\"/logo.png\">", html.EscapeString(r.Host))
	})
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s\n", r.PathValue("name"))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "echoed", Value: strconv.Itoa(len(body)), Path: "/"})
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		w.Write(body)
	})
	mux.HandleFunc("GET /logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(logo)
	})
	mux.HandleFunc("GET /report.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="report.csv"`)
		io.WriteString(w, "pet,count\ndog,3\ncat,2\n")
	})
	mux.HandleFunc("GET /countdown", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		f, _ := w.(http.Flusher)
		for i := 5; i >= 0; i-- {
			fmt.Fprintf(w, "%d\n", i)
			if f != nil {
				f.Flush()
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(tick):
			}
		}
	})
	return mux
}

// drawLogo makes a small PNG: binary bytes that must reach the client
// intact.
func drawLogo() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 8), 200, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func main() {
	app := nethttp.Wrap(NewMux(200 * time.Millisecond))
	lambdagate.Function{
		Handler:    app,
		InvokeMode: lambdagate.ResponseStream,
		Local: lambdagate.Local{Kind: event.FunctionURL, Ready: func(base string) {
			fmt.Fprintf(os.Stderr, "try:\n  curl %s/hello/gopher\n  curl -o logo.png %s/logo.png\n  curl -N %s/countdown\n", base, base, base)
		}},
	}.Start()
}
