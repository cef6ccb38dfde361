//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run the real main (signal handling, exit status)
// in a child process: SUBSPACE_MAIN_ARGS holds its arguments, one per
// line.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("SUBSPACE_MAIN_ARGS"); ok {
		os.Args = append([]string{"subspace"}, strings.Split(args, "\n")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// SIGTERM (kill, timeout, batch schedulers) cancels a run like Ctrl-C:
// exit status 1, one line on stderr, no output and no temporary file
// left behind. Only SIGINT was caught, and SIGTERM during an atomic
// write left its hidden temporary file in the output directory.
func TestSIGTERMCancels(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "d.npz")
	// Big enough to be running when the signal comes (about 20 s of
	// solves on 2 cores).
	args := []string{"datagen", "darcy", "--grid", "120", "--count", "400", "--compare=false", "--progress=false", "--out", out}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SUBSPACE_MAIN_ARGS="+strings.Join(args, "\n"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute): // a hang guard, not a timing test
		cmd.Process.Kill()
		t.Fatal("no exit two minutes after SIGTERM")
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1; stderr %q", err, stderr.String())
	}
	if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "cancel") {
		t.Errorf("stderr %q, want one line about the cancellation", stderr.String())
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left in the output directory: %v", left)
	}
}
