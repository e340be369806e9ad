package ensemble_test

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/tensor"
)

func ExampleDecisionTreeClassifier() {
	X := tensor.FromRows([][]float64{{1, 5}, {2, 4}, {3, 7}, {6, 1}, {7, 3}, {8, 2}})
	y := tensor.FromSlice([]int64{0, 0, 0, 1, 1, 1}, 6)
	tree := ensemble.NewDecisionTreeClassifier()
	if err := tree.Fit(X, y); err != nil {
		panic(err)
	}
	root := tree.Nodes()[0]
	pred, _ := tree.Predict(tensor.FromRows([][]float64{{2.5, 6}, {7.5, 0}}))
	fmt.Printf("root: feature %d ≤ %v, %d leaves, predictions %v\n", root.Feature, root.Threshold, tree.NLeaves(), pred.Int64s())
	// Output: root: feature 0 ≤ 4.5, 2 leaves, predictions [0 1]
}

func ExampleDecisionTreeRegressor() {
	X := tensor.FromRows([][]float64{{0}, {1}, {2}, {3}, {4}, {5}})
	y := tensor.FromSlice([]float64{1, 1.2, 0.8, 5, 5.2, 4.8}, 6)
	tree := ensemble.NewDecisionTreeRegressor()
	tree.MaxDepth = 1
	if err := tree.Fit(X, y); err != nil {
		panic(err)
	}
	pred, _ := tree.Predict(tensor.FromRows([][]float64{{0.5}, {4.5}}))
	fmt.Printf("threshold %v, predictions %.1f\n", tree.Nodes()[0].Threshold, pred.Float64s())
	// Output: threshold 2.5, predictions [1.0 5.0]
}

func ExampleRandomForestClassifier() {
	X, y := synth.Moons(1000, synth.Noise(0.2), synth.Seed(0))
	Xt, yt := synth.Moons(1000, synth.Noise(0.2), synth.Seed(1))
	forest := ensemble.NewRandomForestClassifier()
	forest.NJobs, forest.OOBScore = -1, true // all CPUs: the forest is the same
	if err := forest.Fit(X, y); err != nil {
		panic(err)
	}
	acc, _ := forest.Score(Xt, yt)
	fmt.Printf("test accuracy %.2f, out-of-bag %.2f\n", acc, forest.OOBScoreValue)
	// Output: test accuracy 0.96, out-of-bag 0.96
}

func ExampleHistGradientBoostingRegressor() {
	X, y := synth.Regression(3000, synth.Features(5), synth.Noise(5), synth.Seed(0))
	train, test, err := data.TrainTestSplit(X, y, 0.25, 0)
	if err != nil {
		panic(err)
	}
	gbm := ensemble.NewHistGradientBoostingRegressor()
	if err := gbm.Fit(train.X, train.Y); err != nil {
		panic(err)
	}
	r2, _ := gbm.Score(test.X, test.Y)
	fmt.Printf("%d iterations, R² %.2f\n", gbm.NIter, r2)
	// Output: 100 iterations, R² 0.97
}

func ExampleRandomForestRegressor() {
	X, y := synth.Regression(1500, synth.Features(4), synth.Noise(1), synth.Seed(3))
	train, test, err := data.TrainTestSplit(X, y, 0.2, 0)
	if err != nil {
		panic(err)
	}
	forest := ensemble.NewRandomForestRegressor()
	forest.NEstimators, forest.MinSamplesLeaf = 50, 2
	if err := forest.Fit(train.X, train.Y); err != nil {
		panic(err)
	}
	r2, _ := forest.Score(test.X, test.Y)
	fmt.Printf("R² %.2f, importances sum to %.1f\n", r2, forest.FeatureImportances.Sum().Item())
	// Output: R² 0.97, importances sum to 1.0
}

func ExampleHistGradientBoostingClassifier() {
	// NaN is a missing value: here the first feature is missing for every third sample.
	X, y := synth.Moons(2000, synth.Noise(0.2), synth.Seed(0))
	rows := X.Float64s()
	for i := 0; i < len(rows); i += 6 {
		rows[i] = math.NaN()
	}
	X = tensor.FromSlice(rows, 2000, 2)
	train, test, err := data.TrainTestSplit(X, y, 0.25, 0, data.Stratify())
	if err != nil {
		panic(err)
	}
	gbm := ensemble.NewHistGradientBoostingClassifier()
	if err := gbm.Fit(train.X, train.Y); err != nil {
		panic(err)
	}
	acc, _ := gbm.Score(test.X, test.Y)
	proba, _ := gbm.PredictProba(test.X)
	fmt.Printf("accuracy %.2f, probabilities %v\n", acc, proba.Shape())
	// Output: accuracy 0.90, probabilities [500 2]
}

func ExampleDecisionTreeClassifier_MarshalState() {
	X := tensor.FromRows([][]float64{{1, 5}, {2, 4}, {3, 7}, {6, 1}, {7, 3}, {8, 2}})
	y := tensor.FromSlice([]int64{0, 0, 0, 1, 1, 1}, 6)
	tree := ensemble.NewDecisionTreeClassifier()
	if err := tree.Fit(X, y); err != nil {
		panic(err)
	}
	params, arrays, err := tree.MarshalState() // JSON settings, named arrays (e.g. for safetensors)
	if err != nil {
		panic(err)
	}
	var loaded ensemble.DecisionTreeClassifier
	if err := loaded.UnmarshalState(params, arrays); err != nil {
		panic(err)
	}
	pred, _ := loaded.Predict(tensor.FromRows([][]float64{{2.5, 6}, {7.5, 0}}))
	fmt.Printf("%s\n%d nodes, predictions %v\n", params, len(arrays["tree.left"].Int64s()), pred.Int64s())
	// Output:
	// {"Criterion":"gini","MaxDepth":0,"MinSamplesSplit":2,"MinSamplesLeaf":1,"MaxFeatures":"","MinImpurityDecrease":0,"RandomState":0,"NClasses":2,"NFeaturesIn":2}
	// 3 nodes, predictions [0 1]
}
