package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/ember-ml/ember/internal/bench"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "Runs the reference workloads of scripts/torch_bench.py (PyTorch's side, in this repository)\nand prints one JSON line per workload, with that script's field names: circles (w1),\nfashion-mlp (w2), fashion-cnn (w3), gemm (w4), latency (w5), or all; and the workloads of\nscripts/sklearn_bench.py (scikit-learn's side): kmeans, pca and dbscan (fit_s: median seconds\nper fit after one untimed fit). Only the work itself is timed (training steps, products,\nforward passes, fits); circles first trains once untimed, as torch_bench.py does.\nscripts/bench_all.sh runs both sides and writes BENCHMARKS.md.\nUsage: ember bench [flags] [workload]", stdout)
	threads := fs.Int("threads", 1, "goroutines for the kernels (also GOMAXPROCS)")
	repeat := fs.Int("repeat", 1, "runs of the training workloads (timed fits of kmeans, pca, dbscan); the median is reported")
	fashion := fs.String("fashion-dir", "", "Fashion-MNIST folder (default: Debian's /usr/share/datasets/fashion-mnist)")
	seed := fs.Uint64("seed", 0, "random seed")
	dtype := fs.String("dtype", "float32", "gemm's element type: float32 or float64")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof)")
	workload := "all"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		workload, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			helpText[fs]()
			return err
		}
		return usagef("%v (run \"ember bench --help\")", err)
	}
	switch fs.NArg() {
	case 0:
	case 1:
		if workload != "all" {
			return usagef("two workloads given (%q and %q); run one, or all", workload, fs.Arg(0))
		}
		workload = fs.Arg(0)
	default:
		return usagef("unexpected arguments %q", fs.Args()[1:])
	}
	if *threads < 1 {
		return usagef("--threads must be at least 1, got %d", *threads)
	}
	switch {
	case *dtype != "float32" && *dtype != "float64":
		return usagef("--dtype must be float32 or float64, got %q", *dtype)
	case *dtype == "float64" && workload != "gemm":
		return usagef("--dtype float64 applies to the gemm workload only, not %q", workload)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	names := []string{workload}
	if workload == "all" {
		names = bench.Workloads
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := bench.Run(name, bench.Options{Threads: *threads, Repeat: *repeat, FashionDir: *fashion, Seed: *seed, DType: *dtype})
		if err != nil {
			return err
		}
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(line))
	}
	return nil
}
