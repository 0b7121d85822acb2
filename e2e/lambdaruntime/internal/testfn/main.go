// Command testfn is the function the runtime end-to-end tests build as a
// bootstrap, beside the examples: a net/http application behind
// lambdagate.Start, with the responses no example gives.
//
//	GET /big?bytes=N   a buffered body of N bytes (default 7 MiB), over
//	                   Lambda's 6 MB response quota
//	GET /cookies       two Set-Cookie headers
//	GET /png           a binary body (image/png)
//	anything else      a JSON summary of the request
//
// With LAMBDAGATE_TESTFN_STREAMING=1 in its environment it starts with
// the ResponseStream invoke mode.
//
// Run with -oracle, it serves the payloads of a JSON array of base64
// strings on standard input through the same handler, in process
// (lambdagate.Adapter.Invoke, or InvokeStream when streaming), and prints
// a JSON array of results: what the function would send without
// aws-lambda-go's runtime loop in between, for the tests to compare with
// what the Lambda runtime sent.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/nethttp"
)

// BigDefault is the size of GET /big without ?bytes: 7 MiB, over Lambda's
// 6 MB quota for a buffered response.
const BigDefault = 7 << 20

func newMux() *http.ServeMux {
	logo := drawPNG()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		n := BigDefault
		if v := r.URL.Query().Get("bytes"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < 0 || n > 64<<20 {
				http.Error(w, "bytes must be 0 to 64 MiB", http.StatusBadRequest)
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(bytes.Repeat([]byte("a"), n))
	})
	mux.HandleFunc("GET /cookies", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "first", Value: "1", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "second", Value: "2", Path: "/", HttpOnly: true})
		io.WriteString(w, "two cookies\n")
	})
	mux.HandleFunc("GET /png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(logo)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Testfn", "summary")
		json.NewEncoder(w).Encode(map[string]any{
			"method":      r.Method,
			"path":        r.URL.Path,
			"query":       r.URL.RawQuery,
			"host":        r.Host,
			"contentType": r.Header.Get("Content-Type"),
			"cookie":      r.Header.Get("Cookie"),
			"bodyBytes":   len(body),
		})
	})
	return mux
}

// drawPNG makes a small PNG whose bytes are not valid UTF-8.
func drawPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 16), 255, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func main() {
	h := nethttp.Wrap(newMux())
	streaming := os.Getenv("LAMBDAGATE_TESTFN_STREAMING") == "1"
	if len(os.Args) == 2 && os.Args[1] == "-oracle" {
		if err := oracle(h, streaming, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "testfn:", err)
			os.Exit(1)
		}
		return
	}
	f := lambdagate.Function{Handler: h}
	if streaming {
		f.InvokeMode = lambdagate.ResponseStream
	}
	f.Start()
}

// A Result is what the function answers one payload with: the output
// bytes, or the function error aws-lambda-go reports for the error.
type Result struct {
	Output []byte                         `json:"output,omitempty"`
	Error  *messages.InvokeResponse_Error `json:"error,omitempty"`
}

// oracle serves each payload read from in through the Adapter, in process.
func oracle(h lambdagate.Handler, streaming bool, in io.Reader, out io.Writer) error {
	var payloads [][]byte
	if err := json.NewDecoder(in).Decode(&payloads); err != nil {
		return fmt.Errorf("reading payloads: %w", err)
	}
	a := &lambdagate.Adapter{Handler: h, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	results := make([]Result, len(payloads))
	for i, p := range payloads {
		var err error
		if streaming {
			var r io.Reader
			if r, err = a.InvokeStream(context.Background(), p); err == nil {
				results[i].Output, err = io.ReadAll(r)
				if c, ok := r.(io.Closer); ok {
					c.Close()
				}
			}
		} else {
			results[i].Output, err = a.Invoke(context.Background(), p)
		}
		if err != nil {
			results[i] = Result{Error: functionError(err)}
		}
	}
	return json.NewEncoder(out).Encode(results)
}

// functionError is the error document aws-lambda-go's runtime loop posts
// for err (lambda/errors.go, lambdaErrorResponse): a
// messages.InvokeResponse_Error as it is, anything else as its message
// and the name of its type.
func functionError(err error) *messages.InvokeResponse_Error {
	if e, ok := err.(messages.InvokeResponse_Error); ok {
		return &e
	}
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return &messages.InvokeResponse_Error{Message: err.Error(), Type: t.Name()}
}
