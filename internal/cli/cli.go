// Package cli implements the ember command's subcommands. cmd/ember only calls Run, so the
// whole command line is testable in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// usageError is an error in the command line; Run prints it and exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"train", "train a network or a classical model (kNN, SVM, forest, …) on built-in or CSV data and report test metrics", runTrain},
		{"predict", "apply a saved model to the rows of a CSV file", runPredict},
		{"eval", "evaluate a saved model on a labelled CSV file", runEval},
		{"compare", "train every model that fits the task on the same split and print a table of test scores and times", runCompare},
		{"tune", "search an MLP's hyperparameters (grid, random or TPE sampling, pruning, parallel trials, a resumable journal)", runTune},
		{"plot", "draw the loss curves of training logs written by ember train --log, overlaying several runs", runPlot},
		{"explain", "show which pixels a saved CNN looks at: Grad-CAM, saliency or integrated-gradient heat maps", runExplain},
		{"inspect", "list the tensors, metadata and parameter count of a safetensors file", runInspect},
		{"cluster", "cluster the rows of a data set (k-means, DBSCAN, agglomerative, …) and score the result", runCluster},
		{"decompose", "project the rows of a data set onto principal (PCA), independent (ICA) or SVD components", runDecompose},
		{"bench", "run the reference workloads and print JSON lines comparable with PyTorch's", runBench},
	}
}

func topUsage(w io.Writer) {
	fmt.Fprint(w, `ember — deep learning for Go

Usage:
  ember <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "ember <command> --help" for a command's flags and their defaults.
Example: ember train    (the course's make_circles network, reaching ≥ 0.99 test accuracy)
`)
}

// Run executes the command line args (without the program name) and returns the process exit
// status: 0 on success, 2 on any error (printed as one line to stderr), never a stack trace.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		topUsage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		topUsage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			}
			fmt.Fprintf(stderr, "ember %s: %s\n", c.name, oneLine(err.Error()))
			return 2
		}
	}
	fmt.Fprintf(stderr, "ember: unknown command %q (run \"ember --help\" for the list)\n", args[0])
	return 2
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }

// newFlagSet returns a flag set that reports errors instead of exiting and prints its help
// to stdout.
func newFlagSet(name, synopsis string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // parse errors are reported as one line; help is printed by parse
	helpText[fs] = func() {
		fmt.Fprintf(stdout, "Usage: ember %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// helpText holds each flag set's help printer.
var helpText = map[*flag.FlagSet]func(){}

// parse parses flags, turning errors into usage errors and rejecting stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			helpText[fs]()
			return err
		}
		return usagef("%v (run \"ember %s --help\")", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (run \"ember %s --help\")", fs.Arg(0), fs.Name())
	}
	return nil
}

var flagErrHelp = flag.ErrHelp
