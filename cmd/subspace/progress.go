package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progress draws a progress indicator on w for long runs: nothing for the
// first second (short runs stay quiet). On a terminal it redraws one line
// at most ten times a second; anywhere else (a log file, CI output) it
// prints a plain line every ten seconds, so logs stay readable. It is not
// safe for concurrent use.
type progress struct {
	w        io.Writer
	label    string
	total    int // 0: unknown
	start    time.Time
	last     time.Time
	interval time.Duration
	tty      bool
	drawn    bool
	enabled  bool
}

func newProgress(w io.Writer, enabled bool, label string, total int) *progress {
	now := time.Now()
	p := &progress{w: w, label: label, total: total, start: now, last: now, enabled: enabled, interval: 10 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty, p.interval = true, 100*time.Millisecond
	}
	return p
}

// update reports that done units are finished; detail is appended (e.g.
// the current residual).
func (p *progress) update(done int, detail string) {
	if !p.enabled {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < time.Second || (p.drawn && now.Sub(p.last) < p.interval) {
		return
	}
	p.last = now
	p.drawn = true
	start, end := "\r", "\x1b[K"
	if !p.tty {
		start, end = "", "\n"
	}
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
		fmt.Fprintf(p.w, "%s%s [%s] %d/%d %v%s %s%s", start, p.label, bar, done, p.total, el, eta, detail, end)
		return
	}
	fmt.Fprintf(p.w, "%s%s %d %v %s%s", start, p.label, done, el, detail, end)
}

// finish ends the progress line if one was drawn.
func (p *progress) finish() {
	if p.drawn && p.tty {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
