// Package race reports whether the program was built with the race
// detector, for tests whose allocation counts differ there: the race
// detector's sync.Pool drops a share of what is put back at random, so a
// pooled value is sometimes allocated afresh.
package race
