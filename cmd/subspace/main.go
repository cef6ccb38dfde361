// Command subspace is the command-line front end of the subspace library:
// inspect sparse matrices, solve linear systems with Krylov methods,
// solve sequences of systems with Krylov subspace recycling, generate PDE
// datasets with it, and solve optimal transport problems.
//
// Every verb prints human-readable output by default and one JSON object
// with --json. Errors print one line on stderr and exit with status 1
// (2 for bad usage); a solve that does not converge exits with status 3
// after printing its result.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit statuses.
const (
	exitError       = 1
	exitUsage       = 2
	exitNotConverge = 3
)

// exitErr carries an exit status with an error; the message may be empty
// when the command already printed what it had to say.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitErr) Unwrap() error { return e.err }

// usageErrorf is a bad-arguments error (exit status 2).
func usageErrorf(format string, args ...any) error {
	return &exitErr{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "subspace",
		Short:         "Subspace methods: sparse matrices, Krylov solvers with recycling, PDE data generation, optimal transport",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.Version = buildVersion()
	root.SetVersionTemplate("subspace {{.Version}}\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitErr{code: exitUsage, err: flagError(err)}
	})
	// cobra's own help command prints "Unknown help topic" and the root's
	// usage on stdout and exits 0; an unknown topic is bad usage.
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			target, _, err := c.Root().Find(args)
			if err != nil {
				return usageErrorf("unknown help topic %q; run subspace help for the list of commands", strings.Join(args, " "))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	})
	// One verb per file; each file's constructor is listed here.
	root.AddCommand(
		newInfoCmd(),
		newConvertCmd(),
		newDatagenCmd(),
		newOTCmd(),
		newSolveCmd(),
		newSequenceCmd(),
	)
	return root
}

// buildVersion describes the binary for --version: the module version
// ("(devel)" for a build inside the repository, vX.Y.Z for go install
// ...@vX.Y.Z), the commit and its time when the build recorded them (go
// build does in a git checkout, go run does not), "modified" for a work
// tree with uncommitted changes, and the Go version.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown: no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var extra []string
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		short := rev[:min(12, len(rev))]
		if !strings.Contains(v, short) {
			// (go 1.24+ derives a pseudo-version holding the commit.)
			extra = append(extra, "commit "+short)
		}
		if when != "" {
			extra = append(extra, when)
		}
		if modified {
			extra = append(extra, "modified")
		}
	}
	extra = append(extra, info.GoVersion)
	return v + " (" + strings.Join(extra, ", ") + ")"
}

// run executes the CLI with the given arguments and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	code := exitError
	var ee *exitErr
	if errors.As(err, &ee) {
		code = ee.code
	} else if strings.HasPrefix(err.Error(), "unknown command ") {
		code = exitUsage // cobra's error for a verb that does not exist
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(stderr, "subspace: "+oneLine(msg))
	}
	return code
}

// oneLine joins a multi-line message so that errors stay on one line:
// each run of white space that holds a line break or a tab (cobra's
// "unknown command" suggestions are indented lines) becomes one space.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	var b strings.Builder
	run, breaks := 0, false // the pending run of white space
	flush := func() {
		switch {
		case run == 0:
		case breaks:
			b.WriteByte(' ')
		default:
			b.WriteString(strings.Repeat(" ", run))
		}
		run, breaks = 0, false
	}
	for _, c := range s {
		switch c {
		case ' ':
			run++
		case '\n', '\r', '\t':
			run++
			breaks = true
		default:
			flush()
			b.WriteRune(c)
		}
	}
	if !breaks {
		flush() // trailing spaces of a line kept; a trailing break dropped
	}
	return b.String()
}

func main() {
	// SIGTERM (kill, timeout, batch schedulers) as SIGINT: cancel, so
	// that an output being written is completed or removed, never left
	// as a temporary file.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal cancels ctx, which the solvers watch; reading,
	// sorting and preconditioner setup do not, so a second signal
	// must end the process at once rather than be swallowed too.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// flagError rewrites pflag's parse errors in the user's terms: it quotes
// strconv ("invalid argument "-1" for "--seed" flag: strconv.ParseUint:
// parsing "-1": invalid syntax"), which says neither what was wanted nor
// that a minus sign is the problem.
func flagError(err error) error {
	msg := err.Error()
	i := strings.Index(msg, ": strconv.Parse")
	if i < 0 {
		return err
	}
	want := "a number"
	switch {
	case strings.Contains(msg[i:], "ParseUint"):
		want = "a whole number ≥ 0"
	case strings.Contains(msg[i:], "ParseInt"):
		want = "a whole number"
	case strings.Contains(msg[i:], "ParseBool"):
		want = "true or false"
	}
	if strings.Contains(msg[i:], "value out of range") {
		want += " in range"
	}
	return errors.New(msg[:i] + ": want " + want)
}
