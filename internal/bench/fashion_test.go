package bench

import (
	"os"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
)

func BenchmarkFashionMLPStep(b *testing.B) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		b.Skip("Fashion-MNIST not installed")
	}
	train, _, err := data.LoadFashionMNIST("")
	if err != nil {
		b.Fatal(err)
	}
	model := nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
	opt := optim.Adam(model.Parameters(), optim.LR(1e-3))
	loss := nn.CrossEntropyLoss()
	var batches []data.Batch
	for bt := range data.Loader(train, 128, data.Shuffle(1), data.DropLast()).All() {
		batches = append(batches, bt)
		if len(batches) == 50 {
			break
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bt := batches[i%len(batches)]
		i++
		l := loss(model.Forward(bt.X), bt.Y)
		opt.ZeroGrad()
		l.Backward()
		opt.Step()
	}
	b.ReportMetric(float64(b.N*128)/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkFashionMLPEpochLoader(b *testing.B) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		b.Skip("Fashion-MNIST not installed")
	}
	train, _, err := data.LoadFashionMNIST("")
	if err != nil {
		b.Fatal(err)
	}
	sub := train.Subset(seq(128 * 100))
	var secs float64
	samples := 0
	for b.Loop() {
		// Building and initialising the model is not training: keep it off the clock.
		b.StopTimer()
		model := nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
		opt := optim.Adam(model.Parameters(), optim.LR(1e-3))
		b.StartTimer()
		s, steps, _, _ := trainLoop(model, nn.CrossEntropyLoss(), opt, sub, 128, 1, true, 1)
		secs += s
		samples += steps * 128
	}
	b.ReportMetric(float64(samples)/secs, "samples/s")
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func BenchmarkLeNetStep(b *testing.B) {
	g := tensor.NewGenerator(1)
	x := tensor.Rand(g, 128, 1, 28, 28)
	y := tensor.Randint(g, 0, 10, 128)
	model := LeNet()
	opt := optim.Adam(model.Parameters(), optim.LR(1e-3))
	loss := nn.CrossEntropyLoss()
	for b.Loop() {
		l := loss(model.Forward(x), y)
		opt.ZeroGrad()
		l.Backward()
		opt.Step()
	}
	b.ReportMetric(float64(b.N*128)/b.Elapsed().Seconds(), "samples/s")
}
