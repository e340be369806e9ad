package tensor_test

import (
	"sync"
	"testing"

	"github.com/ember-ml/ember/tensor"
)

// TestNoGradIsPerGoroutine: a NoGrad scope in one goroutine leaves every other goroutine
// recording, as torch.no_grad is per thread.
func TestNoGradIsPerGoroutine(t *testing.T) {
	inside, done := make(chan struct{}), make(chan struct{})
	var sawDisabled, nestedEnabled bool
	go func() {
		tensor.NoGrad(func() {
			sawDisabled = !tensor.GradEnabled()
			tensor.EnableGrad(func() { nestedEnabled = tensor.GradEnabled() })
			close(inside)
			<-done
		})
	}()
	<-inside
	if !tensor.GradEnabled() {
		t.Fatal("another goroutine's NoGrad disabled grad mode here")
	}
	x := tensor.FromSlice([]float32{1, 2}).SetRequiresGrad(true)
	y := x.Mul(x).Sum()
	if !y.RequiresGrad() {
		t.Fatal("ops stopped recording while another goroutine is inside NoGrad")
	}
	y.Backward()
	close(done)
	if !sawDisabled || !nestedEnabled {
		t.Fatalf("NoGrad inside its own goroutine: disabled=%v, EnableGrad nested=%v", sawDisabled, nestedEnabled)
	}
	tensor.NoGrad(func() {
		tensor.NoGrad(func() {})
		if tensor.GradEnabled() {
			t.Fatal("a nested NoGrad's end re-enabled grad mode")
		}
	})
	if !tensor.GradEnabled() {
		t.Fatal("grad mode not restored after NoGrad")
	}
}

// TestInternalOpsLeaveOtherGoroutinesRecording runs ops that compute internally without
// history (softmax, logsumexp, norm, dtype promotion, mean, where) in several goroutines at
// once; every graph must record and every gradient arrive.
func TestInternalOpsLeaveOtherGoroutinesRecording(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := tensor.NewGenerator(uint64(w))
			for range 300 {
				x := tensor.Randn(g, 4, 5).SetRequiresGrad(true)
				ints := tensor.FromSlice([]int64{1, 2, 3, 4, 5})
				y := x.Softmax(1).Add(x.LogSoftmax(0)).Sum().
					Add(x.LogSumExp([]int{1}, false).Sum()).
					Add(x.Norm(2)).Add(x.Mul(ints).Mean()).
					Add(x.PowScalar(2).Mean()).
					Add(tensor.Where(x.GtScalar(0), x, x.MulScalar(0.1)).Sum())
				if !y.RequiresGrad() {
					errs <- "a result lost its history"
					return
				}
				y.Backward()
				if x.Grad() == nil {
					errs <- "no gradient reached the input"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestConcurrentBackwardThroughSharedTensorFails: two Backward passes at once through one
// parameter (one model trained from two goroutines) panic with a clear message instead of
// mixing their gradients; the first pass finishes normally.
func TestConcurrentBackwardThroughSharedTensorFails(t *testing.T) {
	w := tensor.FromSlice([]float64{1, 2, 3}).SetRequiresGrad(true)
	entered, proceed := make(chan struct{}), make(chan struct{})
	slow := tensor.Attach("SlowBackward", w.Detach().MulScalar(2), []*tensor.Tensor{w}, func(g *tensor.Tensor) []*tensor.Tensor {
		close(entered)
		<-proceed
		return []*tensor.Tensor{g.MulScalar(2)}
	})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		slow.Sum().Backward()
	}()
	<-entered
	mustPanic(t, "another goroutine", func() { w.Mul(w).Sum().Backward() })
	close(proceed)
	<-finished
	if got := w.Grad().Float64s(); got[0] != 2 || got[1] != 2 || got[2] != 2 {
		t.Fatalf("first pass's gradient %v, want [2 2 2]", got)
	}
	// Once the first pass is over, the parameter is free again.
	w.Mul(w).Sum().Backward()
	if got := w.Grad().Float64s(); got[0] != 4 || got[2] != 8 {
		t.Fatalf("gradient after the second pass %v, want [4 6 8]", got)
	}
}

// TestGeneratorSharedByGoroutines draws from one generator in many goroutines: with -race
// this checks the lock, and the draws together are the generator's sequence, in some order.
func TestGeneratorSharedByGoroutines(t *testing.T) {
	g := tensor.NewGenerator(9)
	var wg sync.WaitGroup
	out := make([][]int64, 8)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = tensor.Randint(g, 0, 1<<62, 100).Int64s()
		}()
	}
	wg.Wait()
	seq := tensor.Randint(tensor.NewGenerator(9), 0, 1<<62, 800).Int64s()
	want := map[int64]bool{}
	for _, v := range seq {
		want[v] = true
	}
	for _, vs := range out {
		for _, v := range vs {
			if !want[v] {
				t.Fatal("a concurrent draw is not part of the generator's sequence")
			}
			delete(want, v)
		}
	}
}
