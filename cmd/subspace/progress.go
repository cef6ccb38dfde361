package main

import (
	"fmt"
	"io"
	"time"
)

// progress draws a one-line progress indicator on w for long runs: nothing
// for the first second (short runs stay quiet), then at most ten updates a
// second. It is not safe for concurrent use.
type progress struct {
	w       io.Writer
	label   string
	total   int // 0: unknown
	start   time.Time
	last    time.Time
	drawn   bool
	enabled bool
}

func newProgress(w io.Writer, enabled bool, label string, total int) *progress {
	now := time.Now()
	return &progress{w: w, label: label, total: total, start: now, last: now, enabled: enabled}
}

// update reports that done units are finished; detail is appended (e.g.
// the current residual).
func (p *progress) update(done int, detail string) {
	if !p.enabled {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.drawn = true
	el := now.Sub(p.start).Round(100 * time.Millisecond)
	if p.total > 0 {
		frac := float64(done) / float64(p.total)
		const width = 30
		fill := int(frac * width)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = ' '
			if i < fill {
				bar[i] = '='
			}
		}
		eta := ""
		if done > 0 {
			rem := time.Duration(float64(now.Sub(p.start)) * (1/frac - 1)).Round(time.Second)
			eta = fmt.Sprintf(" eta %v", rem)
		}
		fmt.Fprintf(p.w, "\r%s [%s] %d/%d %v%s %s\x1b[K", p.label, bar, done, p.total, el, eta, detail)
		return
	}
	fmt.Fprintf(p.w, "\r%s %d %v %s\x1b[K", p.label, done, el, detail)
}

// finish ends the progress line if one was drawn.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
