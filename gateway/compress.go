package gateway

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"slices"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/response"
)

// Response compression of REST APIs with a minimum compression size
// (x-amazon-apigateway-minimum-compression-size): API Gateway compresses
// an integration's response body with gzip or deflate when the client's
// Accept-Encoding prefers one of them, the integration response has no
// Content-Encoding, and the body, after any mapping template, is at least
// the minimum size (docs/evidence/openapi.md#response-compression).

// MaxMinimumCompressionSize is the largest minimum compression size AWS
// accepts (10 MB).
const MaxMinimumCompressionSize = 10 << 20

// preferredCoding returns the content coding API Gateway applies for an
// Accept-Encoding header: "gzip", "deflate", or "" for none. The coding
// with the highest q-value wins, the first listed among equals; when it
// is not one API Gateway supports ("br", "*", "identity"), nothing is
// compressed. No header means no compression.
func preferredCoding(accept string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			q = f
		}
		if q > bestQ {
			best, bestQ = name, q
		}
	}
	if bestQ <= 0 || (best != "gzip" && best != "deflate") {
		return ""
	}
	return best
}

// compress returns resp with its body compressed when x's client asks for
// it and the API compresses responses.
func (g *Gateway) compress(x *exchange, resp *response.Response) *response.Response {
	if g.minCompress < 0 || resp.Stream != nil || len(resp.Body) < g.minCompress || resp.Header.Has("Content-Encoding") {
		return resp
	}
	coding := preferredCoding(x.hr.Header.Get("Accept-Encoding"))
	if coding == "" {
		return resp
	}
	var buf bytes.Buffer
	if coding == "gzip" {
		zw := gzip.NewWriter(&buf)
		zw.Write(resp.Body)
		zw.Close()
	} else {
		zw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
		zw.Write(resp.Body)
		zw.Close()
	}
	out := *resp
	out.Header = slices.Clone(resp.Header)
	out.Header.Add("Content-Encoding", coding)
	out.Body = buf.Bytes()
	return &out
}
