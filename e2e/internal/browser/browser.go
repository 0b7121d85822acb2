// Package browser starts the headless Chromium that the end-to-end
// tests drive.
package browser

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path returns the browser to drive: $CHROMIUM if set, else chromium or
// chromium-browser on PATH. It fails the test when there is none, so
// that a browser test can never pass without a browser.
func Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found on PATH: install the Debian package chromium (apt-get install -y chromium) or set CHROMIUM to a Chromium binary")
	return ""
}

// Start returns a chromedp context for a headless Chromium at path, with
// a profile of its own in a temporary directory, and the function that
// stops it. The browser starts with the context's first action.
func Start(ctx context.Context, t testing.TB, path string) (context.Context, context.CancelFunc) {
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	return bctx, func() {
		cancelBrowser()
		cancelAlloc()
	}
}
