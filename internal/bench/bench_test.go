package bench

import (
	"testing"
)

func TestCirclesWorkloadLearns(t *testing.T) {
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
}

func TestUnknownWorkload(t *testing.T) {
	if _, err := Run("nope", Options{}); err == nil {
		t.Fatal("unknown workload accepted")
	}
}
