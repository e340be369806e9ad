package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/train"
)

// parseInterleaved parses flags that may come before, between or after positional
// arguments (Go's flag package stops at the first positional one) and returns those.
func parseInterleaved(fs *flagSetT, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flagErrHelp) {
				helpText[fs]()
				return nil, err
			}
			return nil, usagef("%v (run \"ember %s --help\")", err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

func runPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "Draws the loss curves (and metrics) of training logs written by \"ember train --log\":\n\n  ember plot LOG [LOG …] --output FILE\n\nLogs are JSON lines, or CSV for .csv files. One run is drawn as ember train --plots draws\nloss.png, with its best epoch marked; several runs (several files, runs appended to one\nfile, or the folds of ember train --cv) are overlaid, one colour each, labelled by file\nname: training solid, validation dashed.", stdout)
	output := fs.String("output", "", "figure to write: .png or .svg (required)")
	title := fs.String("title", "", "figure title (default: Training history, or Training runs for several)")
	logs, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(logs) == 0:
		return usagef("no log files: ember plot run.jsonl [more.jsonl …] --output loss.png")
	case *output == "":
		return usagef("--output is required: the .png or .svg file to write")
	}
	if err := checkParent("--output", *output); err != nil {
		return err
	}
	var hs []*train.History
	var names []string
	for _, path := range logs {
		runs, err := readRunLog(path)
		if err != nil {
			return err
		}
		for _, r := range runs {
			hs, names = append(hs, r.hist), append(names, r.name)
		}
	}
	var opts []plot.Option
	if *title != "" {
		opts = append(opts, plot.Title(*title))
	}
	var fig *plot.Figure
	if len(hs) == 1 {
		if *title == "" {
			opts = append(opts, plot.Title("Training history: "+names[0]))
		}
		fig, err = plot.LossCurves(hs[0], opts...)
	} else {
		fig, err = plot.CompareRuns(hs, names, opts...)
	}
	if err != nil {
		return err
	}
	if err := fig.Save(*output); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d run%s: %s)\n", *output, len(hs), plural(len(hs)), strings.Join(names, ", "))
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
