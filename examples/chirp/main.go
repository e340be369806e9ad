// Command chirp detects chirps — signals whose frequency and amplitude rise, like the
// inspiral of two compact objects seen by a gravitational-wave detector — buried in white
// Gaussian noise. A 1-D CNN and an LSTM each classify 256-sample windows as signal or noise
// alone; the program reports test accuracy per signal-to-noise ratio.
//
// It should reach at least 95% accuracy at SNR 8 and beat chance (0.5) at SNR 4 with both
// models. With seed 1 (8 epochs on 4,000 windows, under 20 s on one core):
//
//	SNR    CNN     LSTM
//	 16  0.9750  0.9640
//	  8  0.9690  0.9550
//	  4  0.6860  0.7420
//	  2  0.5270  0.5520
//
// `go test -tags long ./examples/chirp` checks the claims at full length: about 25 s on CI's
// 2 cores.
//
//	go run ./examples/chirp
package main

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

const samples = 256

// SNRs are the matched-filter signal-to-noise ratios of the test sets.
var SNRs = []float64{16, 8, 4, 2}

// chirp returns a unit-energy chirp starting at a random time: frequency sweeping up from f0
// and amplitude growing toward the merger.
func chirp(r *rand.Rand) []float64 {
	s := make([]float64, samples)
	start := r.IntN(samples / 4)
	f0 := 2 + 4*r.Float64()
	phase := 2 * math.Pi * r.Float64()
	energy := 0.0
	for i := start; i < samples; i++ {
		t := float64(i-start) / float64(samples-start) // 0 → 1 over the signal
		s[i] = (0.2 + t) * math.Sin(phase+2*math.Pi*(f0*t+12*t*t*t))
		energy += s[i] * s[i]
	}
	for i := range s {
		s[i] /= math.Sqrt(energy)
	}
	return s
}

// Make returns n windows, half noise alone and half noise plus a chirp scaled to snr (an snr
// of 0 draws it uniformly from SNRs' range), as [n, 1, samples] and int64 labels.
func Make(n int, snr float64, seed uint64) (*tensor.Tensor, *tensor.Tensor) {
	r := tensor.NewGenerator(seed).Rand()
	xs := make([]float32, 0, n*samples)
	ys := make([]int64, n)
	for k := range n {
		var s []float64
		a := snr
		if a == 0 {
			a = SNRs[len(SNRs)-1] + (SNRs[0]-SNRs[len(SNRs)-1])*r.Float64()
		}
		if k%2 == 1 {
			s, ys[k] = chirp(r), 1
		}
		for i := range samples {
			v := r.NormFloat64()
			if s != nil {
				v += a * s[i]
			}
			xs = append(xs, float32(v))
		}
	}
	return tensor.FromSlice(xs, n, 1, samples), tensor.FromSlice(ys)
}

// CNN is a small 1-D convolutional network.
func CNN() nn.Module {
	return nn.Sequential(
		nn.Conv1d(1, 16, 9, tensor.Conv1dOptions{Padding: 4}), nn.ReLU(), nn.MaxPool1d(4, 0, 0),
		nn.Conv1d(16, 32, 9, tensor.Conv1dOptions{Padding: 4}), nn.ReLU(), nn.MaxPool1d(4, 0, 0),
		nn.Conv1d(32, 32, 5, tensor.Conv1dOptions{Padding: 2}), nn.ReLU(), nn.AdaptiveAvgPool1d(1),
		nn.Flatten(), nn.Linear(32, 2))
}

// LSTMClassifier reads the window as 32 steps of 8 samples and classifies the last state.
type LSTMClassifier struct {
	LSTM *nn.RNNLayer
	Head *nn.LinearLayer
}

// Forward maps [N, 1, samples] to logits [N, 2].
func (m *LSTMClassifier) Forward(x *tensor.Tensor) *tensor.Tensor {
	_, h, _ := m.LSTM.ForwardState(x.Reshape(x.Size(0), samples/8, 8), nil, nil)
	return m.Head.Forward(h.Select(0, 0))
}

// Fit trains model on n windows for epochs and returns test accuracy per SNR.
func Fit(model nn.Module, n, epochs int, seed uint64) ([]float64, error) {
	x, y := Make(n, 0, seed)
	ds, _ := data.NewTensorDataset(x, y)
	opt := optim.Adam(nn.Parameters(model), optim.LR(3e-3))
	_, err := train.Fit(context.Background(), train.Config{Model: model, Loss: nn.CrossEntropyLoss(), Optimizer: opt,
		Train: data.Loader(ds, 64, data.Shuffle(seed)), Epochs: epochs})
	if err != nil {
		return nil, err
	}
	var accs []float64
	for i, snr := range SNRs {
		tx, ty := Make(1000, snr, seed+100+uint64(i))
		_, m := train.Evaluate(model, nn.CrossEntropyLoss(), data.Loader(&data.TensorDataset{X: tx, Y: ty}, 500), []train.Metric{train.MulticlassAccuracy()})
		accs = append(accs, m["accuracy"])
	}
	return accs, nil
}

func main() {
	tensor.ManualSeed(1)
	cnn, err := Fit(CNN(), 4000, 8, 1)
	if err != nil {
		log.Fatal(err)
	}
	tensor.ManualSeed(1)
	lstm, err := Fit(&LSTMClassifier{LSTM: nn.LSTM(8, 32, nn.RNNOptions{BatchFirst: true}), Head: nn.Linear(32, 2)}, 4000, 8, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("SNR    CNN     LSTM")
	for i, snr := range SNRs {
		fmt.Printf("%4.0f  %.4f  %.4f\n", snr, cnn[i], lstm[i])
	}
}
