package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressPlainLinesOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, true, "job", 10)
	p.update(1, "")
	if buf.Len() != 0 {
		t.Fatalf("progress drawn within the first second: %q", buf.String())
	}
	p.start = p.start.Add(-2 * time.Second) // pretend the run is 2 s old
	p.update(5, "detail")
	out := buf.String()
	if !strings.HasPrefix(out, "job [") || !strings.HasSuffix(out, "detail\n") || strings.ContainsAny(out, "\r\x1b") {
		t.Fatalf("off a terminal want one plain line, got %q", out)
	}
	p.update(6, "detail")
	if buf.String() != out {
		t.Fatal("second line printed within the 10 s interval")
	}
	p.finish()
	if buf.String() != out {
		t.Fatal("finish wrote terminal escapes to a non-terminal")
	}
}

func TestProgressDisabled(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, false, "job", 0)
	p.start = p.start.Add(-2 * time.Second)
	p.update(3, "")
	p.finish()
	if buf.Len() != 0 {
		t.Fatalf("disabled progress wrote %q", buf.String())
	}
}
