package cli_test

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/ember-ml/ember/backend/cpu"
)

func TestBenchHelpCitesScriptsInRepository(t *testing.T) {
	_, out, _ := run("bench", "--help")
	if !strings.Contains(out, "scripts/torch_bench.py") || strings.Contains(out, "shared/") {
		t.Fatalf("bench --help should cite scripts/torch_bench.py, not shared/:\n%s", out)
	}
}

func TestBenchCirclesReportsWarmupAndSeed(t *testing.T) {
	procs := runtime.GOMAXPROCS(0) // ember bench --threads 1 sets both for the process
	defer func() {
		runtime.GOMAXPROCS(procs)
		cpu.SetThreads(0)
	}()
	code, out, errs := run("bench", "circles", "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	for _, k := range []string{"steps_per_s", "warmup_steps_per_s", "test_acc"} {
		if v, ok := r[k].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v", k, r[k])
		}
	}
	if r["seed"] != 3.0 {
		t.Errorf("seed = %v, want 3", r["seed"])
	}
}

func TestBenchDTypeFlag(t *testing.T) {
	for _, args := range [][]string{{"bench", "circles", "--dtype", "float64"}, {"bench", "gemm", "--dtype", "int64"}} {
		if code, _, errs := run(args...); code == 0 || !strings.Contains(errs, "--dtype") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
