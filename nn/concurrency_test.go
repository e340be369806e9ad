package nn_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
)

// concurrentModel builds model i of the concurrency test from its own generator: even models
// are a Linear-ReLU-Linear binary classifier (the fused MLP path), odd ones a 3-class model
// with LayerNorm, Tanh and Dropout trained with cross-entropy (LogSoftmax inside).
func concurrentModel(i int) (nn.Module, nn.Loss, *tensor.Tensor, *tensor.Tensor) {
	g := tensor.NewGenerator(uint64(100 + i))
	x := tensor.Randn(g, 32, 6)
	if i%2 == 0 {
		m := nn.Sequential(nn.Linear(6, 16, nn.WithGenerator(g)), nn.ReLU(), nn.Linear(16, 1, nn.WithGenerator(g)))
		y := x.SumDims([]int{1}, false).GtScalar(0).To(tensor.Float32).Unsqueeze(1)
		return m, nn.BCEWithLogitsLoss(), x, y
	}
	m := nn.Sequential(nn.Linear(6, 16, nn.WithGenerator(g)), nn.LayerNorm([]int{16}, 1e-5, true), nn.Tanh(),
		nn.Dropout(0.1, nn.WithGenerator(g)), nn.Linear(16, 3, nn.WithGenerator(g)))
	y := tensor.Randint(g, 0, 3, 32)
	return m, nn.CrossEntropyLoss(), x, y
}

// trainConcurrentModel runs 15 Adam steps and returns the final parameters.
func trainConcurrentModel(i int) [][]float32 {
	m, lossFn, x, y := concurrentModel(i)
	params := nn.Parameters(m)
	opt := optim.Adam(params, optim.LR(0.01))
	for range 15 {
		loss := lossFn(m.Forward(x), y)
		opt.ZeroGrad()
		loss.Backward()
		opt.Step()
	}
	var out [][]float32
	for _, p := range params {
		out = append(out, p.Float32s())
	}
	return out
}

// TestTrainingInGoroutines trains 8 independent models in 8 goroutines while a ninth model
// serves predictions under NoGrad in another; every trained model must end exactly where it
// ends when trained alone, and the served predictions must never change or record history.
// (`go test -race -run TestTrainingInGoroutines -count 100 ./nn` is the stress run.)
func TestTrainingInGoroutines(t *testing.T) {
	const n = 8
	want := make([][][]float32, n)
	for i := range n {
		want[i] = trainConcurrentModel(i)
	}
	served, _, sx, _ := concurrentModel(1)
	nn.Eval(served)
	var ref *tensor.Tensor
	tensor.NoGrad(func() { ref = served.Forward(sx) })

	got := make([][][]float32, n)
	errs := make(chan error, n+1)
	stop := make(chan struct{})
	var wg, serving sync.WaitGroup
	serving.Add(1)
	go func() {
		defer serving.Done()
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			tensor.NoGrad(func() {
				out := served.Forward(sx)
				if out.RequiresGrad() || !slices.Equal(out.Float32s(), ref.Float32s()) {
					errs <- fmt.Errorf("served prediction %d changed or recorded history", k)
				}
			})
		}
	}()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errs <- fmt.Errorf("model %d: panic: %v", i, r)
				}
			}()
			got[i] = trainConcurrentModel(i)
		}()
	}
	wg.Wait()
	close(stop)
	serving.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := range n {
		for j := range want[i] {
			if !slices.Equal(got[i][j], want[i][j]) {
				t.Fatalf("model %d parameter %d differs from training alone", i, j)
			}
		}
	}
}
