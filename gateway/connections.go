package gateway

import (
	"io"
	"net/http"
	"time"

	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// manage answers the API Gateway Management API for the connection id:
// POST sends the body to the client, GET returns the connection's state,
// DELETE disconnects it; a connection that is gone, or still in its
// $connect, is 410 GoneException (docs/evidence/websocket.md#management-api).
//
// Requests are accepted signed (as the AWS SDKs sign them, with Signature
// Version 4) or not: IAM is not emulated, so the signature is not
// checked.
func (a *wsAPI) manage(w http.ResponseWriter, hr *http.Request, id string) {
	switch hr.Method {
	case http.MethodPost, http.MethodGet, http.MethodDelete:
	default:
		a.g.writePlain(w, forbidden())
		return
	}
	c := a.conn(id)
	if c == nil {
		managementError(w, http.StatusGone, "GoneException", "")
		return
	}
	switch hr.Method {
	case http.MethodPost:
		max := a.g.limits.Message
		if hr.ContentLength > int64(max) {
			managementError(w, http.StatusRequestEntityTooLarge, "PayloadTooLargeException", "Message too long")
			return
		}
		// The body must arrive within the body timeout, as for any API.
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(a.g.bodyTimeout))
		data, err := io.ReadAll(io.LimitReader(hr.Body, int64(max)+1))
		if err != nil {
			managementError(w, http.StatusBadRequest, "BadRequestException", "Could not read the request body")
			return
		}
		if len(data) > max {
			managementError(w, http.StatusRequestEntityTooLarge, "PayloadTooLargeException", "Message too long")
			return
		}
		if err := c.send(data); err != nil {
			managementError(w, http.StatusGone, "GoneException", "")
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		b := []byte(`{"connectedAt":`)
		b = jsonx.AppendString(b, isoTime(c.connectedAt))
		b = append(b, `,"identity":{"sourceIp":`...)
		b = jsonx.AppendString(b, c.sourceIP)
		b = append(b, `,"userAgent":`...)
		b = jsonx.AppendString(b, c.userAgent)
		b = append(b, `},"lastActiveAt":`...)
		b = jsonx.AppendString(b, isoTime(time.Unix(0, c.lastActive.Load())))
		b = append(b, '}')
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	case http.MethodDelete:
		c.close(closeNormal, deleteReason)
		w.WriteHeader(http.StatusNoContent)
	}
}

// isoTime formats t as the Management API's timestamps (ISO 8601, UTC,
// milliseconds).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// managementError writes a Management API error: the status, the error
// code in x-amzn-ErrorType (where the AWS SDKs read it) and a JSON
// message; Gone's message is "Gone" [INF].
func managementError(w http.ResponseWriter, status int, code, message string) {
	if message == "" {
		message = http.StatusText(status)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	b := append(jsonx.AppendString([]byte(`{"message":`), message), '}')
	w.Write(b)
}
