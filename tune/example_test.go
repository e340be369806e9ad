package tune_test

import (
	"context"
	"fmt"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
	"github.com/ember-ml/ember/tune"
)

// Minimise (x−2)² + (y+1)² with TPE: 10 random startup trials, then 30 guided ones.
func ExampleStudy() {
	s := &tune.Study{
		Space: []tune.Param{tune.Float("x", -10, 10), tune.Float("y", -10, 10)},
		Seed:  1,
	}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		x, y := t.Float("x"), t.Float("y")
		return (x-2)*(x-2) + (y+1)*(y+1), nil
	}, 40)
	if err != nil {
		panic(err)
	}
	best, _ := s.Best()
	fmt.Printf("%d trials, best below 1: %v\n", len(s.Trials()), best.Value < 1)
	// Output: 40 trials, best below 1: true
}

// A grid over every combination; Parallel trials run at once, and the grid gives each trial
// number the same parameters whatever the parallelism.
func ExampleGrid() {
	s := &tune.Study{
		Space:     []tune.Param{tune.Choice("act", "relu", "tanh"), tune.Int("layers", 1, 3)},
		Sampler:   tune.Grid{},
		Direction: tune.Maximize,
		Parallel:  2,
	}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		score := 0.9 - 0.05*float64(t.Int("layers"))
		if t.Choice("act") == "tanh" {
			score += 0.02
		}
		return score, nil
	}, 100) // stops when the 6 combinations are done
	if err != nil {
		panic(err)
	}
	for _, t := range s.Trials() {
		fmt.Println(t.Number, t.Params["act"], t.Params["layers"], fmt.Sprintf("%.2f", t.Value))
	}
	best, _ := s.Best()
	fmt.Println("best", best.Params)
	// Output:
	// 0 relu 1 0.85
	// 1 relu 2 0.80
	// 2 relu 3 0.75
	// 3 tanh 1 0.87
	// 4 tanh 2 0.82
	// 5 tanh 3 0.77
	// best map[act:tanh layers:1]
}

// A pruner stops trials whose learning curves fall behind: report a value each epoch, ask
// ShouldPrune, and return ErrPruned.
func ExampleMedianPruner() {
	s := &tune.Study{
		Space:   []tune.Param{tune.Float("lr", 1e-3, 1, tune.Log())},
		Sampler: tune.Random{},
		Pruner:  tune.MedianPruner{},
		Seed:    3,
	}
	epochs := 0
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		lr := t.Float("lr")
		loss := 0.0
		for epoch := range 20 {
			epochs++
			loss = (lr-0.1)*(lr-0.1) + 1/float64(epoch+1) // a synthetic learning curve
			t.Report(epoch, loss)
			if t.ShouldPrune() {
				return 0, tune.ErrPruned
			}
		}
		return loss, nil
	}, 20)
	if err != nil {
		panic(err)
	}
	fmt.Println("epochs run:", epochs, "of", 20*20)
	// Output: epochs run: 191 of 400
}

// ParseSpace turns command-line flags into a search space: lo:hi[:log] ranges (integers
// give Int parameters) and comma-separated choices.
func ExampleParseSpace() {
	space, err := tune.ParseSpace(map[string]string{"lr": "1e-4:1e-1:log", "hidden": "8,16,32", "layers": "1:4"})
	if err != nil {
		panic(err)
	}
	for _, p := range space {
		fmt.Println(p.Name, p)
	}
	// Output:
	// hidden 8,16,32
	// layers 1:4
	// lr 0.0001:0.1:log
}

// Tune a classical estimator by 5-fold cross-validation: each trial builds a Ridge with the
// trial's alpha, and data.CrossValidate returns the mean R² over the folds.
func ExampleStudy_crossValidate() {
	X, y := synth.Regression(60, synth.Features(4), synth.Noise(20), synth.Seed(1))
	s := &tune.Study{
		Space:     []tune.Param{tune.Choice("alpha", 0.01, 1.0, 100.0, 10000.0)},
		Sampler:   tune.Grid{},
		Direction: tune.Maximize,
	}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		build := func() data.Model { return &linear.Ridge{Alpha: t.Choice("alpha").(float64), FitIntercept: true} }
		r, err := data.CrossValidate(build, X, y, data.KFold{NSplits: 5}, nil, 1)
		if err != nil {
			return 0, err
		}
		return r.Mean["score"], nil
	}, 4)
	if err != nil {
		panic(err)
	}
	for _, t := range s.Trials() {
		fmt.Printf("alpha %-7v R² %.3f\n", t.Params["alpha"], t.Value)
	}
	// Output:
	// alpha 0.01    R² 0.972
	// alpha 1       R² 0.972
	// alpha 100     R² 0.502
	// alpha 10000   R² -0.040
}

// Tune a small network's learning rate and width, two trials at a time, pruning by
// validation loss after each epoch. Each trial seeds its layers and its loader from
// t.Seed(), so its result does not depend on the other trials running beside it.
func ExampleStudy_neuralNetwork() {
	X, y := synth.Blobs(200, synth.Centers([][]float64{{-2, -2}, {2, 2}}), synth.Seed(0))
	tr, val, err := data.TrainTestSplit(X, y.Float(), 0.25, 0)
	if err != nil {
		panic(err)
	}
	s := &tune.Study{
		Space:    []tune.Param{tune.Float("lr", 1e-3, 1, tune.Log()), tune.Choice("hidden", 4, 16)},
		Sampler:  tune.Random{},
		Pruner:   tune.MedianPruner{NStartupTrials: 2},
		Seed:     1,
		Parallel: 2,
	}
	err = s.Optimize(func(t *tune.Trial) (float64, error) {
		gen := tensor.NewGenerator(t.Seed())
		h := t.Int("hidden")
		model := nn.Sequential(nn.Linear(2, h, nn.WithGenerator(gen)), nn.ReLU(), nn.Linear(h, 1, nn.WithGenerator(gen)), nn.FlattenDims(0, -1))
		hist, err := train.Fit(context.Background(), train.Config{
			Model:     model,
			Loss:      nn.BCEWithLogitsLoss(),
			Optimizer: optim.Adam(nn.Parameters(model), optim.LR(t.Float("lr"))),
			Train:     data.Loader(tr, 32, data.Shuffle(t.Seed())),
			Val:       data.Loader(val, 50),
			Epochs:    5,
			OnEpoch: func(e train.Epoch) error {
				t.Report(e.Epoch, e.ValLoss)
				if t.ShouldPrune() {
					return tune.ErrPruned
				}
				return nil
			},
		})
		if err != nil {
			return 0, err // ErrPruned comes back through Fit
		}
		return hist.Epochs[len(hist.Epochs)-1].ValLoss, nil
	}, 8)
	if err != nil {
		panic(err)
	}
	best, _ := s.Best()
	fmt.Printf("%d trials, best val loss below 0.1: %v\n", len(s.Trials()), best.Value < 0.1)
	// Output: 8 trials, best val loss below 0.1: true
}
