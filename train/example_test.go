package train_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// Logistic regression on two well separated clusters: a few epochs reach accuracy 1.
func ExampleFit() {
	tensor.ManualSeed(0)
	X, y := synth.Blobs(200, synth.Centers([][]float64{{-3, -3}, {3, 3}}), synth.Seed(0))
	tr, val, err := data.TrainTestSplit(X, y.Float(), 0.25, 0)
	if err != nil {
		panic(err)
	}
	model := nn.Sequential(nn.Linear(2, 1), nn.FlattenDims(0, -1)) // logits of shape [N], as y
	h, err := train.Fit(context.Background(), train.Config{
		Model:     model,
		Loss:      nn.BCEWithLogitsLoss(),
		Optimizer: optim.Adam(nn.Parameters(model), optim.LR(0.1)),
		Train:     data.Loader(tr, 32, data.Shuffle(0)),
		Val:       data.Loader(val, 50),
		Epochs:    10,
		Metrics:   []train.Metric{train.BinaryAccuracy(0), train.BinaryF1(0)},
	})
	if err != nil {
		panic(err)
	}
	first, last := h.Epochs[0], h.Epochs[len(h.Epochs)-1]
	fmt.Println("epochs:", len(h.Epochs))
	fmt.Println("train loss fell:", last.TrainLoss < first.TrainLoss/2)
	fmt.Printf("val accuracy %.2f, val f1 %.2f\n", last.Metrics["val_accuracy"], last.Metrics["val_f1"])
	// Output:
	// epochs: 10
	// train loss fell: true
	// val accuracy 1.00, val f1 1.00
}

// Fit reports a model whose output does not fit the targets as an error: here the model ends
// in Linear(2, 1), giving [N, 1] logits, while y has shape [N].
func ExampleFit_shapeMismatch() {
	X := tensor.Zeros(8, 2)
	y := tensor.Zeros(8)
	ds, _ := data.NewTensorDataset(X, y)
	model := nn.Linear(2, 1)
	_, err := train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: optim.SGD(nn.Parameters(model)),
		Train: data.Loader(ds, 4), Epochs: 1,
	})
	fmt.Println(strings.SplitAfter(err.Error(), ")")[0])
	// Output: train: loss: model output [4 1], target [4] (epoch 1, step 1)
}

// Regression metrics of fixed predictions (the identity model passes them through).
func ExampleEvaluate() {
	pred := tensor.FromSlice([]float64{1.5, 2, 2.5, 4}, 4, 1)
	y := tensor.FromSlice([]float64{1, 2, 3, 4}, 4, 1)
	ds, _ := data.NewTensorDataset(pred, y)
	loss, ms := train.Evaluate(nn.Identity(), nn.MSELoss(), data.Loader(ds, 3), []train.Metric{train.MAE(), train.MSE(), train.R2()})
	fmt.Println(loss, ms["mae"], ms["mse"], ms["r2"])
	// Output: 0.125 0.25 0.125 0.9
}

// A History marshals to JSON even without validation: the NaN validation loss becomes null.
func ExampleHistory() {
	h := train.History{Epochs: []train.Epoch{{Epoch: 1, TrainLoss: 0.5, ValLoss: math.NaN(), Metrics: map[string]float64{"train_accuracy": 0.75}, LR: 0.01}}}
	b, err := json.Marshal(h)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output: {"Epochs":[{"Epoch":1,"TrainLoss":0.5,"ValLoss":null,"Metrics":{"train_accuracy":0.75},"LR":0.01,"Duration":0}],"BestEpoch":0,"StoppedEarly":false}
}
