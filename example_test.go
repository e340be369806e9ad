package ember_test

// The README's snippets, compiled and run: TestReadmeSnippetsAreExamples checks that every
// line of code in README.md appears in this file, so the README cannot drift from code that
// runs.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/estimator"
	"github.com/ember-ml/ember/explain"
	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
	"github.com/ember-ml/ember/tune"
)

// The course program of README.md's table, line by line (examples/circles is the same
// program with progress printing).
func Example_courseProgram() {
	X, y := synth.Circles(1000, synth.Noise(0.03), synth.Seed(42))
	trainSet, testSet, err := data.TrainTestSplit(X, y, 0.2, 42)
	if err != nil {
		panic(err)
	}
	tensor.ManualSeed(42)
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
	fmt.Println(model)
	lossFn := nn.BCEWithLogitsLoss()
	opt := optim.Adam(model.Parameters(), optim.LR(0.01))
	sched := lr.CosineAnnealingLR(opt, 100, 0)
	loader := data.Loader(trainSet, 32, data.Shuffle(42))
	for range 100 {
		model.Train()
		for batch := range loader.All() {
			yLogits := model.Forward(batch.X).Squeeze(1)
			loss := lossFn(yLogits, batch.Y)
			opt.ZeroGrad()
			loss.Backward()
			opt.Step()
		}
		sched.Step()
	}
	var yPred *tensor.Tensor
	model.Eval()
	tensor.NoGrad(func() { yPred = model.Forward(testSet.X).Squeeze(1).Sigmoid().Round().Long() })
	r, _ := metrics.ClassificationReport(testSet.Y, yPred)
	fmt.Print(r)
	// Output:
	// Sequential(
	//   (0): Linear(in_features=2, out_features=10, bias=True)
	//   (1): ReLU()
	//   (2): Linear(in_features=10, out_features=10, bias=True)
	//   (3): ReLU()
	//   (4): Linear(in_features=10, out_features=10, bias=True)
	//   (5): ReLU()
	//   (6): Linear(in_features=10, out_features=1, bias=True)
	// )
	//               precision    recall  f1-score   support
	//
	//            0       1.00      1.00      1.00       113
	//            1       1.00      1.00      1.00        87
	//
	//     accuracy                           1.00       200
	//    macro avg       1.00      1.00      1.00       200
	// weighted avg       1.00      1.00      1.00       200
}

// CircleModel is README.md's custom model: a Go struct with a Forward method.
type CircleModel struct {
	Layer1, Layer2, Layer3 *nn.LinearLayer
}

func (m *CircleModel) Forward(x *tensor.Tensor) *tensor.Tensor {
	return m.Layer3.Forward(m.Layer2.Forward(m.Layer1.Forward(x).ReLU()).ReLU())
}

// A custom model's parameters are found without bookkeeping, with PyTorch's names.
func Example_customModel() {
	model := &CircleModel{Layer1: nn.Linear(2, 10), Layer2: nn.Linear(10, 10), Layer3: nn.Linear(10, 1)}
	opt := optim.SGD(nn.Parameters(model), optim.LR(0.1)) // layer1.weight, layer1.bias, …
	for _, e := range nn.NamedTensors(model) {
		fmt.Println(e.Name, e.Tensor.Shape())
	}
	fmt.Println(len(opt.Groups()[0].Params), "parameters")
	// Output:
	// layer1.weight [10 2]
	// layer1.bias [10]
	// layer2.weight [10 10]
	// layer2.bias [10]
	// layer3.weight [1 10]
	// layer3.bias [1]
	// 6 parameters
}

// train.Fit runs the loop with validation, metrics and early stopping.
func Example_fit() {
	X, y := synth.Circles(1000, synth.Noise(0.03), synth.Seed(1))
	trainSet, valSet, _ := data.TrainTestSplit(X, y.Unsqueeze(1), 0.2, 1)
	tensor.ManualSeed(1)
	model := nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
	opt := optim.Adam(model.Parameters(), optim.LR(0.01))
	ctx := context.Background()
	hist, err := train.Fit(ctx, train.Config{
		Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Epochs: 100,
		Train: data.Loader(trainSet, 32, data.Shuffle(1)), Val: data.Loader(valSet, 256),
		Metrics:       []train.Metric{train.BinaryAccuracy(0)},
		EarlyStopping: &train.EarlyStopping{Patience: 10, RestoreBest: true},
		Progress:      nil, // os.Stdout prints a progress bar or a line per epoch
	})
	if err != nil {
		panic(err)
	}
	best := hist.Epochs[hist.BestEpoch-1] // BestEpoch is 1-based
	fmt.Printf("validation accuracy %.2f\n", best.Metrics["val_accuracy"])
	// Output:
	// validation accuracy 1.00
}

// Saving, loading and resuming.
func Example_saveLoad() {
	dir, _ := os.MkdirTemp("", "ember")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1))
	err := checkpoint.SaveModel(path, model, nil) // PyTorch's state-dict names, loadable by torch
	m, file, err := checkpoint.LoadModel(path)    // rebuilt from the architecture in the metadata
	_, err = checkpoint.LoadInto(path, model)     // a state dict (PyTorch's too) into your model
	err = serialize.WriteNPY(filepath.Join(dir, "x.npy"), tensor.Ones(3, 2))
	x, err := serialize.ReadNPY(filepath.Join(dir, "x.npy")) // also ReadNPZ, WriteNPZ, ReadCSV, WriteCSV
	if err != nil {
		panic(err)
	}
	fmt.Println(m)
	fmt.Println(len(file.Tensors), "tensors;", x.Shape())
	// Output:
	// Sequential(
	//   (0): Linear(in_features=2, out_features=10, bias=True)
	//   (1): ReLU()
	//   (2): Linear(in_features=10, out_features=1, bias=True)
	// )
	// 4 tensors; [3 2]
}

// Learning without labels: spectral clustering, PCA and polynomial features.
func Example_unsupervised() {
	X, y := synth.Moons(600, synth.Noise(0.05), synth.Seed(0))
	sc := cluster.NewSpectralClustering(2)
	sc.Affinity = "nearest_neighbors"
	labels, err := sc.FitPredict(X)
	ari, err := metrics.AdjustedRandScore(y, labels) // 1.0000: k-means gets 0.25 here
	pca := decomp.NewPCA(2)
	Z, err := pca.FitTransform(X)
	poly := features.NewPolynomialFeatures(3)
	err = poly.Fit(X)
	P, err := poly.Transform(X) // 1, x0, x1, x0^2, x0 x1, …: 10 columns
	if err != nil {
		panic(err)
	}
	kmLabels, _ := cluster.NewKMeans(2).FitPredict(X)
	kmARI, _ := metrics.AdjustedRandScore(y, kmLabels)
	fmt.Printf("spectral ARI %.4f, k-means ARI %.4f\n", ari, kmARI)
	fmt.Printf("PCA %v, explained variance ratio %.3f\n", Z.Shape(), pca.ExplainedVarianceRatio.Float64s())
	names, _ := poly.GetFeatureNamesOut(nil)
	fmt.Println("polynomial features", P.Shape(), names[:5])
	// Output:
	// spectral ARI 1.0000, k-means ARI 0.2521
	// PCA [600 2], explained variance ratio [0.820 0.180]
	// polynomial features [600 10] [1 x0 x1 x0^2 x0 x1]
}

// Classical models beside the network: one pipeline shape for every estimator, saved as one
// file.
func Example_classical() {
	dir, _ := os.MkdirTemp("", "ember")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "circles-svc.safetensors")
	X, y := synth.Circles(1000, synth.Noise(0.1), synth.Factor(0.5), synth.Seed(42))
	train, test, err := data.TrainTestSplit(X, y, 0.2, 42, data.Stratify())
	for _, m := range []estimator.Supervised{
		neighbors.NewKNeighborsClassifier(), svm.NewSVC(), ensemble.NewRandomForestClassifier(),
		ensemble.NewHistGradientBoostingClassifier(), linear.NewLogisticRegression(),
	} {
		model := estimator.NewPipeline(&data.StandardScaler{}, m)
		err = model.Fit(train.X, train.Y)
		acc, err := model.Score(test.X, test.Y) // 0.96–0.99, but 0.515 for the linear model
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-31s %.3f\n", model.Steps[1].Name, acc)
	}
	svc := estimator.NewPipeline(&data.StandardScaler{}, svm.NewSVC())
	err = svc.Fit(train.X, train.Y)
	err = estimator.Save(path, svc, nil) // scaler and SVM in one file; ember predict reads it too
	loaded, _, err := estimator.Load(path)
	pred, err := loaded.(estimator.Predictor).Predict(test.X)
	if err != nil {
		panic(err)
	}
	fmt.Println("loaded SVC predicts", pred.Shape())
	// Output:
	// kneighborsclassifier            0.985
	// svc                             0.990
	// randomforestclassifier          0.960
	// histgradientboostingclassifier  0.985
	// logisticregression              0.515
	// loaded SVC predicts [200]
}

// Pictures: loss curves, the decision boundary and a Grad-CAM map.
func Example_plots() {
	dir, _ := os.MkdirTemp("", "ember")
	defer os.RemoveAll(dir)
	X, y := synth.Circles(600, synth.Noise(0.05), synth.Seed(2))
	trainSet, testSet, _ := data.TrainTestSplit(X, y, 0.2, 2)
	tensor.ManualSeed(2)
	model := nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1), nn.Flatten(0, -1))
	hist, err := train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: optim.Adam(model.Parameters(), optim.LR(0.01)), Epochs: 30,
		Train: data.Loader(&data.TensorDataset{X: trainSet.X, Y: trainSet.Y.Float()}, 32, data.Shuffle(2)),
		Val:   data.Loader(&data.TensorDataset{X: testSet.X, Y: testSet.Y.Float()}, 256),
	})
	fig, err := plot.LossCurves(hist, plot.Title("circles"))
	err = fig.Save(filepath.Join(dir, "loss.png")) // .svg writes SVG
	fig, err = plot.DecisionBoundary(plot.ModuleProba(model), trainSet.X, trainSet.Y, plot.TestData(testSet.X, testSet.Y))
	err = fig.Save(filepath.Join(dir, "boundary.png"))
	if err != nil {
		panic(err)
	}

	cnn := nn.Sequential(nn.Conv2d(1, 4, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}), nn.ReLU(),
		nn.Flatten(), nn.Linear(4*8*8, 2))
	images := tensor.Rand(tensor.NewGenerator(0), 3, 1, 8, 8)
	cam, err := explain.GradCAM(cnn, cnn.Layers[0], images, explain.Predicted) // [N, H, W] in [0, 1]
	fig, err = plot.Heatmaps(images, cam, []string{"a", "b", "c"})
	err = fig.Save(filepath.Join(dir, "cams.png"))
	if err != nil {
		panic(err)
	}
	for _, f := range []string{"loss.png", "boundary.png", "cams.png"} {
		st, err := os.Stat(filepath.Join(dir, f))
		fmt.Println(f, err == nil && st.Size() > 1000)
	}
	fmt.Println("Grad-CAM", cam.Shape())
	// Output:
	// loss.png true
	// boundary.png true
	// cams.png true
	// Grad-CAM [3 8 8]
}

// Model selection: cross-validation and a hyperparameter search.
func Example_modelSelection() {
	X, y := synth.Moons(300, synth.Noise(0.2), synth.Seed(0))
	build := func() data.Model { return svm.NewSVC() }
	cv, err := data.CrossValidate(build, X, y, data.StratifiedKFold{NSplits: 5}, nil, 2) // sklearn's cross_validate
	fmt.Println(cv)                                                                      // score mean ± std over the 5 folds
	study := &tune.Study{
		Space:     []tune.Param{tune.Float("C", 0.01, 100, tune.Log()), tune.Float("gamma", 0.01, 10, tune.Log())},
		Direction: tune.Maximize, Sampler: tune.TPE{}, Seed: 1, // Parallel: 2 runs two trials at once
	}
	err = study.Optimize(func(t *tune.Trial) (float64, error) {
		build := func() data.Model {
			m := svm.NewSVC()
			m.C, m.Gamma = t.Float("C"), fmt.Sprint(t.Float("gamma"))
			return m
		}
		r, err := data.CrossValidate(build, X, y, data.StratifiedKFold{NSplits: 3}, nil, 1)
		if err != nil {
			return 0, err
		}
		return r.Mean["score"], nil
	}, 30)
	best, ok := study.Best()
	if err != nil || !ok {
		panic(err)
	}
	fmt.Printf("best of %d trials: %.3f\n", len(study.Trials()), best.Value)
	// Output:
	// score 0.96 ± 0.036
	// best of 30 trials: 0.960
}
