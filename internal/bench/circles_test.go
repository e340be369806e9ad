package bench

import (
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
)

func BenchmarkCirclesStep(b *testing.B) {
	X, y := synth.Circles(1000, synth.Noise(0.03), synth.Seed(42))
	train, _, _ := data.TrainTestSplit(X, y.Float(), 0.2, 42)
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
	lossFn := nn.BCEWithLogitsLoss()
	opt := optim.Adam(model.Parameters(), optim.LR(0.01))
	loader := data.Loader(train, 32, data.Shuffle(1))
	var batches []data.Batch
	for bt := range loader.All() {
		batches = append(batches, bt)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bt := batches[i%len(batches)]
		i++
		loss := lossFn(model.Forward(bt.X).Squeeze(1), bt.Y)
		opt.ZeroGrad()
		loss.Backward()
		opt.Step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkCirclesForward1(b *testing.B) {
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
	model.Eval()
	x := tensor.Randn(tensor.NewGenerator(1), 1, 2)
	b.ReportAllocs()
	tensor.NoGrad(func() {
		for b.Loop() {
			model.Forward(x)
		}
	})
}

func BenchmarkCirclesForward1000(b *testing.B) {
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
	model.Eval()
	x := tensor.Randn(tensor.NewGenerator(1), 1000, 2)
	b.ReportAllocs()
	tensor.NoGrad(func() {
		for b.Loop() {
			model.Forward(x)
		}
	})
}

// BenchmarkCirclesW1 times what `ember bench circles` times: the 2,500 training steps of w1,
// after one untimed warm-up run (as the workload does). Parsing the rows, building the model
// and optimizer, and the test evaluation stay outside the clock (ns/op is one run's steps);
// steps/s is steps over trainLoop's own seconds, the workload's steps_per_s. Threads follow
// -cpu: `-cpu 1` is `ember bench circles --threads 1`.
func BenchmarkCirclesW1(b *testing.B) {
	ds, _, _, err := CirclesData()
	if err != nil {
		b.Fatal(err)
	}
	CirclesRun(ds, 0) // warm-up
	var secs float64
	steps := 0
	for b.Loop() {
		b.StopTimer()
		model, loss, opt := circlesSetup(0)
		b.StartTimer()
		s, n, _, _ := trainLoop(model, loss, opt, ds, 32, 100, false, 0)
		secs += s
		steps += n
	}
	b.ReportMetric(float64(steps)/secs, "steps/s")
}
