package lambdaservice

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"

	"github.com/lambdagate/lambdagate/handler"
)

// serveStream answers a response streaming invoke
// (InvokeWithResponseStream) with an event stream: a PayloadChunk event
// for each piece of output as the function posts it, then an
// InvokeComplete event with the error, if the invocation failed
// (docs/evidence/runtime.md#local-invoke-api).
func (s *Service) serveStream(w http.ResponseWriter, r *http.Request, f *Function, inv *invocation) {
	o, err := f.invoke(r.Context(), inv)
	if err != nil {
		writeInvokeError(w, err)
		return
	}
	h := w.Header()
	var fe *handler.FunctionError
	if o.err != nil {
		fe = o.err
		h.Set("Content-Type", "application/json")
	} else {
		defer o.body.Close()
		ct := o.body.ContentType()
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	var msg []byte
	if o.body != nil {
		buf := make([]byte, 32<<10)
		for {
			n, err := o.body.Read(buf)
			if n > 0 {
				msg = appendEvent(msg[:0], "PayloadChunk", "application/octet-stream", buf[:n])
				if _, werr := w.Write(msg); werr != nil {
					return
				}
				rc.Flush()
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.As(err, &fe) {
					fe = serviceError(TruncatedType, err.Error())
				}
				break
			}
		}
	}
	var done struct {
		ErrorCode    string `json:",omitempty"`
		ErrorDetails string `json:",omitempty"`
		LogResult    string `json:",omitempty"`
	}
	if fe != nil {
		done.ErrorCode, done.ErrorDetails = fe.Type, fe.Message
		if done.ErrorDetails == "" {
			done.ErrorDetails = string(fe.Payload)
		}
	}
	if inv.tail != nil {
		done.LogResult = base64.StdEncoding.EncodeToString(inv.tail.bytes())
	}
	payload, _ := json.Marshal(done)
	w.Write(appendEvent(msg[:0], "InvokeComplete", "application/json", payload))
	rc.Flush()
}

// appendEvent appends an event stream message carrying an event of type
// event to b: the prelude (total and header lengths, and their CRC-32),
// the headers :event-type, :content-type and :message-type, the payload,
// and the CRC-32 of all that.
func appendEvent(b []byte, event, contentType string, payload []byte) []byte {
	var headers []byte
	for _, kv := range [3][2]string{{":event-type", event}, {":content-type", contentType}, {":message-type", "event"}} {
		headers = append(headers, byte(len(kv[0])))
		headers = append(headers, kv[0]...)
		headers = append(headers, 7) // a string value
		headers = binary.BigEndian.AppendUint16(headers, uint16(len(kv[1])))
		headers = append(headers, kv[1]...)
	}
	start := len(b)
	total := 12 + len(headers) + len(payload) + 4
	b = binary.BigEndian.AppendUint32(b, uint32(total))
	b = binary.BigEndian.AppendUint32(b, uint32(len(headers)))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:start+8]))
	b = append(b, headers...)
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
