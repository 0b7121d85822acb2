package quota

import (
	"strconv"
	"strings"
	"testing"
)

func TestResponseTooLargeMessageNamesTheQuota(t *testing.T) {
	if want := "(" + strconv.Itoa(LambdaResponse) + " bytes)"; !strings.Contains(ResponseTooLargeMessage, want) {
		t.Errorf("ResponseTooLargeMessage = %q, want it to contain %q", ResponseTooLargeMessage, want)
	}
}
