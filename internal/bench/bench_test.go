package bench

import (
	"runtime"
	"testing"

	"github.com/ember-ml/ember/backend/cpu"
)

// restoreThreads undoes Run's Threads option (GOMAXPROCS and the kernels' goroutines) when t
// ends, so that benchmarks run after the tests still follow -cpu.
func restoreThreads(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		cpu.SetThreads(0)
	})
}

func TestCirclesWorkloadLearns(t *testing.T) {
	restoreThreads(t)
	r, err := Run("circles", Options{Threads: 1, Repeat: 1})
	if err != nil {
		t.Fatal(err)
	}
	if acc := r["test_acc"].(float64); acc < 0.97 {
		t.Fatalf("w1 test accuracy %v", acc)
	}
	if r["steps"].(int) != 2500 {
		t.Fatalf("w1 ran %v steps, want 2,500", r["steps"])
	}
	if w := r["warmup_steps_per_s"].(float64); w <= 0 {
		t.Fatalf("warmup_steps_per_s %v", w)
	}
}

func TestUnknownWorkload(t *testing.T) {
	if _, err := Run("nope", Options{}); err == nil {
		t.Fatal("unknown workload accepted")
	}
}

func TestDTypeOnlyForGemm(t *testing.T) {
	if _, err := Run("latency", Options{DType: "float64"}); err == nil {
		t.Fatal("float64 latency accepted")
	}
	if _, err := Run("gemm", Options{DType: "int64"}); err == nil {
		t.Fatal("int64 gemm accepted")
	}
}
