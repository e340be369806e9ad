package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/internal/bench"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// trainOptions are the flags of "ember train".
type trainOptions struct {
	data, target, task       string
	hidden, activation, loss string
	optimizer, scheduler     string
	lr                       float64
	batchSize, epochs        int
	valSplit, testSplit      float64
	earlyStopping            int
	seed                     uint64
	samples                  int
	noise                    float64
	save, checkpointDir      string
	resume                   string
	model, fashionDir        string
}

func trainFlags(stdout io.Writer) (*trainOptions, *flagSetT) {
	o := &trainOptions{}
	fs := newFlagSet("train", "Trains a multilayer perceptron and prints the model, progress per epoch and the test\nmetrics. With no flags it runs the course's example: make_circles(1000, noise 0.03,\nseed 42), an 80/20 split, a 2-10-10-10-1 ReLU network, BCEWithLogitsLoss, Adam, batch 32.", stdout)
	fs.StringVar(&o.data, "data", "circles", "dataset: "+strings.Join(synth.Names, ", ")+", fashion-mnist, or a CSV file with a header row")
	fs.StringVar(&o.model, "model", "mlp", "network: mlp (hidden layers from --hidden) or cnn (LeNet-5; fashion-mnist only)")
	fs.StringVar(&o.fashionDir, "fashion-dir", "", "Fashion-MNIST folder (default: Debian's "+data.FashionMNISTDir+")")
	fs.StringVar(&o.target, "target", "", "CSV label column (default: the last column)")
	fs.StringVar(&o.task, "task", "", "classification or regression (default: inferred from the target)")
	fs.StringVar(&o.hidden, "hidden", "10,10,10", "hidden layer sizes, comma separated (empty for none)")
	fs.StringVar(&o.activation, "activation", "relu", "hidden activation: relu, leaky_relu, elu, tanh, sigmoid, gelu, silu, softplus, identity")
	fs.StringVar(&o.loss, "loss", "", "loss: bce_with_logits, cross_entropy, mse, l1, smooth_l1, huber (default: bce_with_logits for 2 classes, cross_entropy for more, mse for regression)")
	fs.StringVar(&o.optimizer, "optimizer", "adam", "optimizer: sgd, adam, adamw, rmsprop, adagrad")
	fs.StringVar(&o.scheduler, "scheduler", "cosine", "learning-rate schedule over the epochs: cosine (down to 0) or none")
	fs.Float64Var(&o.lr, "lr", 0.01, "learning rate")
	fs.IntVar(&o.batchSize, "batch-size", 32, "mini-batch size")
	fs.IntVar(&o.epochs, "epochs", 100, "training epochs")
	fs.Float64Var(&o.valSplit, "val-split", 0, "fraction of the training rows held out for validation (0: none)")
	fs.Float64Var(&o.testSplit, "test-split", 0.2, "fraction of all rows held out for the test")
	fs.IntVar(&o.earlyStopping, "early-stopping", 0, "stop after this many epochs without improvement of the validation loss and restore the best weights (0: off)")
	fs.Uint64Var(&o.seed, "seed", 42, "random seed for data, split, initialisation and shuffling")
	fs.IntVar(&o.samples, "samples", 1000, "samples to generate for built-in datasets")
	fs.Float64Var(&o.noise, "noise", 0.03, "noise of built-in datasets")
	fs.StringVar(&o.save, "save", "", "write the trained model to this safetensors file (for ember predict, eval and inspect, and PyTorch)")
	fs.StringVar(&o.checkpointDir, "checkpoint-dir", "", "write last.safetensors (a full checkpoint) after every epoch and best.safetensors (the best model) to this folder")
	fs.StringVar(&o.resume, "resume", "", "continue training from a checkpoint written with --checkpoint-dir (same flags)")
	return o, fs
}

type flagSetT = flag.FlagSet

// dataset is the loaded data before splitting.
type dataset struct {
	X, y     *tensor.Tensor
	task     synth.Task
	classes  []string // class names, in label order
	csv      bool
	test     *data.TensorDataset // a fixed test set (Fashion-MNIST's), used instead of a split
	features []string            // CSV feature names
	target   string              // CSV label column
}

func loadData(o *trainOptions) (*dataset, error) {
	if o.data == "fashion-mnist" {
		tr, te, err := data.LoadFashionMNIST(o.fashionDir)
		if err != nil {
			return nil, err
		}
		return &dataset{X: tr.X, y: tr.Y, task: synth.TaskClassification, classes: data.FashionMNISTClasses, test: te}, nil
	}
	if X, y, task, ok := synth.ByName(o.data, o.samples, o.noise, o.seed); ok {
		if o.samples < 10 {
			return nil, usagef("--samples %d is too few to split (need at least 10)", o.samples)
		}
		d := &dataset{X: X, y: y, task: task}
		if task == synth.TaskClassification {
			n := int(y.Amax(nil, false).Item()) + 1
			for i := range n {
				d.classes = append(d.classes, strconv.Itoa(i))
			}
		}
		return d, nil
	}
	if !strings.ContainsAny(o.data, "./\\") && !strings.HasSuffix(o.data, ".csv") {
		return nil, usagef("unknown --data %q: want one of %s, or a path to a CSV file", o.data, strings.Join(synth.Names, ", "))
	}
	if _, err := os.Stat(o.data); err != nil {
		return nil, fmt.Errorf("cannot read --data: %w", err)
	}
	tab, err := data.LoadCSVFile(o.data, data.CSVOptions{Target: o.target})
	if err != nil {
		return nil, err
	}
	d := &dataset{X: tab.X, csv: true, features: tab.Features, target: tab.Target}
	switch {
	case tab.Classes != nil:
		d.task, d.y, d.classes = synth.TaskClassification, tab.Y, tab.Classes
	default:
		vals := tab.Y.Float64s()
		var distinct []float64
		integral := true
		for _, v := range vals {
			if v != math.Trunc(v) {
				integral = false
			}
			if !slices.Contains(distinct, v) {
				distinct = append(distinct, v)
			}
		}
		if integral && len(distinct) <= 20 && o.task != "regression" {
			slices.Sort(distinct)
			idx := make([]int64, len(vals))
			for i, v := range vals {
				idx[i] = int64(slices.Index(distinct, v))
			}
			for _, v := range distinct {
				d.classes = append(d.classes, strconv.FormatFloat(v, 'g', -1, 64))
			}
			d.task, d.y = synth.TaskClassification, tensor.FromSlice(idx)
		} else {
			d.task, d.y = synth.TaskRegression, tab.Y
		}
	}
	switch o.task {
	case "":
	case "classification":
		if d.task != synth.TaskClassification {
			return nil, usagef("--task classification, but target %q has more than 20 distinct or non-integer values", tab.Target)
		}
	case "regression":
		if d.classes != nil && tab.Classes != nil {
			return nil, usagef("--task regression, but target %q holds text labels", tab.Target)
		}
		d.task, d.y, d.classes = synth.TaskRegression, tab.Y.Float(), nil
	default:
		return nil, usagef("unknown --task %q: want classification or regression", o.task)
	}
	if d.task == synth.TaskClassification && len(d.classes) < 2 {
		return nil, fmt.Errorf("the target has only one class (%s); nothing to classify", strings.Join(d.classes, ""))
	}
	return d, nil
}

func parseHidden(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var sizes []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n <= 0 {
			return nil, usagef("invalid --hidden %q: want positive sizes separated by commas, like 10,10,10", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func (o *trainOptions) validate() error {
	switch {
	case o.lr <= 0 || math.IsNaN(o.lr):
		return usagef("--lr must be positive, got %g", o.lr)
	case o.batchSize <= 0:
		return usagef("--batch-size must be positive, got %d", o.batchSize)
	case o.epochs <= 0:
		return usagef("--epochs must be positive, got %d", o.epochs)
	case o.testSplit <= 0 || o.testSplit >= 1:
		return usagef("--test-split must be in (0, 1), got %g", o.testSplit)
	case o.valSplit < 0 || o.valSplit >= 1:
		return usagef("--val-split must be in [0, 1), got %g", o.valSplit)
	case o.earlyStopping < 0:
		return usagef("--early-stopping must be 0 or a positive patience, got %d", o.earlyStopping)
	case o.samples <= 0:
		return usagef("--samples must be positive, got %d", o.samples)
	case o.noise < 0:
		return usagef("--noise must not be negative, got %g", o.noise)
	case o.scheduler != "cosine" && o.scheduler != "none":
		return usagef("unknown --scheduler %q: want cosine or none", o.scheduler)
	case o.model != "mlp" && o.model != "cnn":
		return usagef("unknown --model %q: want mlp or cnn", o.model)
	case o.model == "cnn" && o.data != "fashion-mnist":
		return usagef("--model cnn needs image data: use --data fashion-mnist")
	}
	return nil
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, fs := trainFlags(stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.data == "fashion-mnist" {
		// Defaults that suit 60,000 images, unless the flags say otherwise.
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		def := func(name string, apply func()) {
			if !set[name] {
				apply()
			}
		}
		def("epochs", func() { o.epochs = 10 })
		def("batch-size", func() { o.batchSize = 128 })
		def("lr", func() { o.lr = 1e-3 })
		def("hidden", func() { o.hidden = "256,128" })
	}
	if err := o.validate(); err != nil {
		return err
	}
	hidden, err := parseHidden(o.hidden)
	if err != nil {
		return err
	}
	act, err := nn.ActivationByName(o.activation)
	if err != nil {
		return usageError{err.Error()}
	}
	ds, err := loadData(o)
	if err != nil {
		return err
	}
	classes := len(ds.classes)
	regression := ds.task == synth.TaskRegression
	lossName := o.loss
	if lossName == "" {
		switch {
		case regression:
			lossName = "mse"
		case classes == 2:
			lossName = "bce_with_logits"
		default:
			lossName = "cross_entropy"
		}
	}
	outputs, err := outputsFor(lossName, regression, classes)
	if err != nil {
		return err
	}
	lossFn, err := nn.LossByName(lossName)
	if err != nil {
		return usageError{err.Error()}
	}

	features := []string{"x0", "x1"}
	target := "y"
	if ds.csv {
		features, target = ds.features, ds.target
	} else if ds.X.Size(1) != 2 {
		features = nil
		for i := range ds.X.Size(1) {
			features = append(features, fmt.Sprintf("x%d", i))
		}
	}
	// Targets: float for BCE and regression losses, int64 class indices for cross-entropy.
	y := ds.y
	if lossName != "cross_entropy" && lossName != "nll" {
		y = y.Float()
	}
	var stratify []data.SplitOption
	if !regression {
		stratify = append(stratify, data.Stratify())
	}
	var trainSet, testSet *data.TensorDataset
	if ds.test != nil {
		trainSet = &data.TensorDataset{X: ds.X, Y: y}
		testSet = &data.TensorDataset{X: ds.test.X, Y: ds.test.Y}
	} else if trainSet, testSet, err = data.TrainTestSplit(ds.X, y, o.testSplit, o.seed, stratify...); err != nil {
		return fmt.Errorf("splitting %d rows: %w", ds.X.Size(0), err)
	}
	var valSet *data.TensorDataset
	if o.valSplit > 0 {
		trainSet, valSet, err = data.TrainTestSplit(trainSet.X, trainSet.Y, o.valSplit, o.seed+1, stratify...)
		if err != nil {
			return fmt.Errorf("splitting off validation rows: %w", err)
		}
	}
	var scaler *data.StandardScaler
	if ds.csv {
		// Standardise features with statistics of the training rows only.
		var sc data.StandardScaler
		if trainSet.X, err = sc.FitTransform(trainSet.X); err != nil {
			return err
		}
		scaler = &sc
		testSet.X, _ = sc.Transform(testSet.X)
		if valSet != nil {
			valSet.X, _ = sc.Transform(valSet.X)
		}
	}

	tensor.ManualSeed(o.seed)
	var layers []nn.Module
	in := ds.X.Size(1)
	for i, h := range hidden {
		a := act
		if i > 0 {
			a, _ = nn.ActivationByName(o.activation)
		}
		layers = append(layers, nn.Linear(in, h), a)
		in = h
	}
	layers = append(layers, nn.Linear(in, outputs))
	if outputs == 1 {
		layers = append(layers, nn.FlattenDims(0, -1)) // [N, 1] → [N], like .squeeze(1)
	}
	model := nn.Sequential(layers...)
	if o.model == "cnn" {
		model = bench.LeNet()
		images := func(d *data.TensorDataset) {
			if d != nil {
				d.X = d.X.Reshape(-1, 1, 28, 28)
			}
		}
		images(trainSet)
		images(testSet)
		images(valSet)
	}
	fmt.Fprintln(stdout, model)
	fmt.Fprintf(stdout, "data: %s, %d train / %d test rows", o.data, trainSet.Len(), testSet.Len())
	if valSet != nil {
		fmt.Fprintf(stdout, " / %d validation", valSet.Len())
	}
	fmt.Fprintf(stdout, ", task %s, loss %s, optimizer %s (lr %g)\n", ds.task, lossName, o.optimizer, o.lr)

	opt, err := optim.ByName(o.optimizer, model.Parameters(), optim.LR(o.lr))
	if err != nil {
		return usageError{err.Error()}
	}
	cfg := train.Config{
		Model: model, Loss: lossFn, Optimizer: opt, Epochs: o.epochs, Progress: stdout,
		Train: data.Loader(trainSet, o.batchSize, data.Shuffle(o.seed)),
	}
	if valSet != nil {
		cfg.Val = data.Loader(valSet, 1024)
	}
	if o.scheduler == "cosine" {
		cfg.Scheduler = lr.CosineAnnealingLR(opt, o.epochs, 0)
	}
	if !regression {
		if outputs == 1 {
			cfg.Metrics = []train.Metric{train.BinaryAccuracy(0)}
		} else {
			cfg.Metrics = []train.Metric{train.MulticlassAccuracy()}
		}
	}
	if o.earlyStopping > 0 {
		cfg.EarlyStopping = &train.EarlyStopping{Patience: o.earlyStopping, RestoreBest: true}
	}
	cfg.CheckpointDir, cfg.Resume = o.checkpointDir, o.resume
	if o.resume != "" {
		if _, err := os.Stat(o.resume); err != nil {
			return fmt.Errorf("cannot --resume: %w", err)
		}
	}
	hist, err := train.Fit(ctx, cfg)
	if err != nil {
		return err
	}
	if hist.StoppedEarly {
		fmt.Fprintf(stdout, "early stopping after epoch %d; restored the weights of epoch %d\n", len(hist.Epochs), hist.BestEpoch)
	}

	nn.Eval(model)
	var out *tensor.Tensor
	tensor.NoGrad(func() { out = model.Forward(testSet.X) })
	fmt.Fprintln(stdout)
	if o.save != "" {
		if err := saveTrained(o.save, model, ds, features, target, scaler); err != nil {
			return err
		}
		defer fmt.Fprintf(stdout, "saved the model to %s\n", o.save)
	}
	if regression {
		return reportRegression(stdout, testSet.Y, out)
	}
	var pred *tensor.Tensor
	if outputs == 1 {
		pred = out.GtScalar(0).Long()
	} else {
		pred = out.ArgmaxDim(1, false)
	}
	return reportClassification(stdout, testSet.Y, pred, ds.classes)
}

// saveTrained writes the model with what predict and eval need to use it on raw rows.
func saveTrained(path string, model nn.Module, ds *dataset, features []string, target string, scaler *data.StandardScaler) error {
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	meta := map[string]string{metaTask: string(ds.task), metaFeatures: js(features), metaTarget: target}
	if ds.classes != nil {
		meta[metaClasses] = js(ds.classes)
	}
	if scaler != nil {
		meta[metaScaler] = js(scalerMeta{Mean: scaler.Mean.Float64s(), Scale: scaler.Scale.Float64s()})
	}
	return serialize.SaveModel(path, model, meta)
}

// outputsFor returns the width of the output layer for a loss.
func outputsFor(loss string, regression bool, classes int) (int, error) {
	switch loss {
	case "bce_with_logits", "bce":
		if regression || classes != 2 {
			return 0, usagef("--loss %s needs a binary classification target (this one has %d classes)", loss, classes)
		}
		if loss == "bce" {
			return 0, usagef("--loss bce expects probabilities; use bce_with_logits, which applies the sigmoid stably")
		}
		return 1, nil
	case "cross_entropy", "nll":
		if regression {
			return 0, usagef("--loss %s needs a classification target", loss)
		}
		if loss == "nll" {
			return 0, usagef("--loss nll expects log-probabilities; use cross_entropy")
		}
		return classes, nil
	case "mse", "l1", "smooth_l1", "huber":
		if !regression {
			return 0, usagef("--loss %s is a regression loss; this target has %d classes (use --task regression to treat it as numbers)", loss, classes)
		}
		return 1, nil
	}
	return 0, usagef("unknown --loss %q: want bce_with_logits, cross_entropy, mse, l1, smooth_l1 or huber", loss)
}

func reportClassification(w io.Writer, yTrue, yPred *tensor.Tensor, classes []string) error {
	labels := make([]int, len(classes))
	for i := range labels {
		labels[i] = i
	}
	rep, err := metrics.ClassificationReport(yTrue, yPred, metrics.Digits(4), metrics.WithLabels(labels...), metrics.TargetNames(classes...))
	if err != nil {
		return err
	}
	fmt.Fprint(w, rep)
	cm, err := metrics.ConfusionMatrix(yTrue, yPred, metrics.WithLabels(labels...))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nconfusion matrix (rows: true class, columns: predicted class):\n%s\n", cm)
	acc, err := metrics.Accuracy(yTrue, yPred)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test accuracy: %.4f\n", acc)
	return nil
}

func reportRegression(w io.Writer, yTrue, yPred *tensor.Tensor) error {
	mse, err := metrics.MSE(yTrue, yPred)
	if err != nil {
		return err
	}
	mae, _ := metrics.MAE(yTrue, yPred)
	r2, _ := metrics.R2(yTrue, yPred)
	fmt.Fprintf(w, "test mse: %.4f\ntest mae: %.4f\ntest r2: %.4f\n", mse, mae, r2)
	return nil
}
