package sam

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/lambdagate/lambdagate/lambdaservice"
)

// MaxWatchedDirs bounds the directories Watch watches: each costs an
// inotify watch (or a kqueue descriptor), of which a machine has a
// limited number.
const MaxWatchedDirs = 4096

// watchDelay is how long Watch waits after a change for more: an editor
// saving a file, or a checkout, changes many files at once.
const watchDelay = 250 * time.Millisecond

// Watch watches each running function's code (its CodeUri, and every
// directory under it but hidden ones) and, after a change, rebuilds the
// function and swaps its instances, as lambdaservice's Function.Update
// does: invocations in flight finish on the old build, later ones start
// on the new. A build that fails leaves the old build serving. report
// receives a line for each rebuild and each failure, the compiler's
// output included. Watch returns when ctx ends or the stack closes.
func (s *Stack) Watch(ctx context.Context, report func(string)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("sam: watching: %w", err)
	}
	defer w.Close()
	roots := map[string][]*Function{}
	for _, f := range s.App.Functions {
		if f.ref.fn.Load() == nil {
			continue
		}
		root := f.Config.Package
		if root == "" {
			root = filepath.Dir(f.Config.Executable)
		}
		root, _ = filepath.Abs(root)
		roots[root] = append(roots[root], f)
	}
	watched := 0
	var add func(dir string)
	add = func(dir string) {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if watched >= MaxWatchedDirs {
				report(fmt.Sprintf("watch: more than %d directories: %s and those after it are not watched", MaxWatchedDirs, p))
				return filepath.SkipAll
			}
			if err := w.Add(p); err == nil {
				watched++
			}
			return nil
		})
	}
	for _, root := range slices.Sorted(maps.Keys(roots)) {
		add(root)
	}
	pending := map[*Function]bool{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			report(fmt.Sprintf("watch: %v", err))
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			base := filepath.Base(ev.Name)
			if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Op&fsnotify.Create != 0 {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					add(ev.Name)
				}
			}
			for root, fns := range roots {
				if ev.Name == root || strings.HasPrefix(ev.Name, root+string(filepath.Separator)) {
					for _, f := range fns {
						pending[f] = true
					}
				}
			}
			if len(pending) > 0 {
				timer.Reset(watchDelay)
			}
		case <-timer.C:
			fns := slices.SortedFunc(maps.Keys(pending), func(a, b *Function) int { return strings.Compare(a.LogicalID, b.LogicalID) })
			clear(pending)
			for _, f := range fns {
				if !s.rebuild(ctx, f, report) {
					return nil
				}
			}
		}
	}
}

// rebuild rebuilds one function and reports how it went; it returns
// false once the stack is closed.
func (s *Stack) rebuild(ctx context.Context, f *Function, report func(string)) bool {
	s.watchMu.Lock()
	closed := s.closed
	s.watchMu.Unlock()
	lf := f.ref.fn.Load()
	if closed || lf == nil {
		return false
	}
	start := time.Now()
	err := lf.Update(ctx, f.Config)
	var be *lambdaservice.BuildError
	switch {
	case err == nil:
		report(fmt.Sprintf("%s: rebuilt in %v; new invocations run the new build", f.LogicalID, time.Since(start).Round(time.Millisecond)))
	case errors.As(err, &be):
		report(fmt.Sprintf("%s: the build failed; the previous build keeps serving:\n%v", f.LogicalID, err))
	default:
		report(fmt.Sprintf("%s: %v", f.LogicalID, err))
	}
	return true
}
