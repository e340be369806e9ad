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
	"time"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/internal/bench"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// trainOptions are the flags of "ember train".
type trainOptions struct {
	data, target, task       string
	hidden, activation, loss string
	optimizer, scheduler     string
	lr                       float64
	dropout, weightDecay     float64
	weightDecaySet           bool // --weight-decay given: else the optimizer keeps its default
	batchSize, epochs        int
	valSplit, testSplit      float64
	earlyStopping            int
	seed                     uint64
	samples                  int
	noise                    float64
	save, checkpointDir      string
	resume                   string
	model, fashionDir        string
	plots, log               string
	cv                       int
	classic                  classicOptions
}

func trainFlags(stdout io.Writer) (*trainOptions, *flagSetT) {
	o := &trainOptions{}
	fs := newFlagSet("train", "Trains a model and prints it, its progress and the test metrics. With no flags it runs\nthe course's example: make_circles(1000, noise 0.03, seed 42), an 80/20 split, a\n2-10-10-10-1 ReLU network, BCEWithLogitsLoss, Adam, batch 32.\n\nThe classical models (--model knn, svm, forest, boosting, logreg, linear, ridge) are\nscikit-learn's estimators with its defaults, fitted as make_pipeline(StandardScaler(),\nmodel) on every data source: the scaler learns its statistics from the training rows\nonly. The target picks the estimator: knn → KNeighborsClassifier or KNeighborsRegressor,\nsvm → SVC or SVR, forest → RandomForestClassifier or RandomForestRegressor, boosting →\nHistGradientBoostingClassifier or HistGradientBoostingRegressor, logreg →\nLogisticRegression (classification only), linear → LinearRegression and ridge → Ridge\n(regression only). Each estimator flag below names the models it applies to; the network\nflags (--hidden, --epochs, --lr, …) apply to mlp and cnn only.", stdout)
	dataFlags(fs, o)
	fs.StringVar(&o.model, "model", "mlp", "model: mlp (hidden layers from --hidden), cnn (LeNet-5; fashion-mnist only), or a classical model: knn, svm, forest, boosting, logreg, linear, ridge")
	fs.StringVar(&o.hidden, "hidden", "10,10,10", "hidden layer sizes, comma separated (empty for none)")
	fs.StringVar(&o.activation, "activation", "relu", "hidden activation: relu, leaky_relu, elu, tanh, sigmoid, gelu, silu, softplus, identity")
	fs.StringVar(&o.loss, "loss", "", "loss: bce_with_logits, cross_entropy, mse, l1, smooth_l1, huber (default: bce_with_logits for 2 classes, cross_entropy for more, mse for regression)")
	fs.StringVar(&o.optimizer, "optimizer", "adam", "optimizer: sgd, adam, adamw, rmsprop, adagrad")
	fs.StringVar(&o.scheduler, "scheduler", "cosine", "learning-rate schedule over the epochs: cosine (down to 0) or none")
	fs.Float64Var(&o.lr, "lr", 0.01, "learning rate")
	fs.Float64Var(&o.dropout, "dropout", 0, "dropout probability in [0, 1) after every hidden layer's activation (nn.Dropout; mlp only; 0: none)")
	fs.Float64Var(&o.weightDecay, "weight-decay", 0, "the optimizer's weight_decay, as in PyTorch (L2 penalty; decoupled for adamw), 0 or more (default: the optimizer's own, 0; adamw's 0.01)")
	fs.IntVar(&o.batchSize, "batch-size", 32, "mini-batch size")
	fs.IntVar(&o.epochs, "epochs", 100, "training epochs")
	fs.Float64Var(&o.valSplit, "val-split", 0, "fraction of the training rows held out for validation (0: none)")
	fs.Float64Var(&o.testSplit, "test-split", 0.2, "fraction of all rows held out for the test")
	fs.IntVar(&o.earlyStopping, "early-stopping", 0, "stop after this many epochs without improvement of the validation loss and restore the best weights (0: off)")
	fs.Uint64Var(&o.seed, "seed", 42, "random seed for data, split, initialisation and shuffling, and the classical estimators' random_state")
	fs.StringVar(&o.save, "save", "", "write the trained model to this safetensors file (for ember predict, eval and inspect, and PyTorch)")
	fs.StringVar(&o.checkpointDir, "checkpoint-dir", "", "write last.safetensors (a full checkpoint) after every epoch and best.safetensors (the best model) to this folder")
	fs.StringVar(&o.resume, "resume", "", "continue training from a checkpoint written with --checkpoint-dir (same flags)")
	fs.StringVar(&o.plots, "plots", "", "write figures to this folder (created if missing; its parent must exist): loss.png (mlp, cnn), confusion.png (classification), boundary.png (2 features) and roc.png (2 classes)")
	fs.StringVar(&o.log, "log", "", "append one record per epoch (epoch, train_loss, val_loss, metrics, lr, seconds) to this file: JSON lines, or CSV if it ends in .csv; ember plot draws it")
	fs.IntVar(&o.cv, "cv", 0, "K ≥ 2: K-fold cross-validation instead of one train/test split (StratifiedKFold for classification, KFold for regression, shuffled with --seed): prints each fold's test score and their mean ± std; cannot be used with --save, --plots, --checkpoint-dir, --resume or --test-split; --log records carry their fold (Fashion-MNIST: folds of its training set)")
	classicFlags(fs, &o.classic)
	return o, fs
}

type flagSetT = flag.FlagSet

// dataFlags declares the flags that choose and shape the data set (--data, --fashion-dir,
// --target, --task, --samples, --noise), shared by train, compare and tune.
func dataFlags(fs *flagSetT, o *trainOptions) {
	fs.StringVar(&o.data, "data", "circles", "dataset: "+strings.Join(synth.Names, ", ")+", fashion-mnist, or a CSV file with a header row")
	fs.StringVar(&o.fashionDir, "fashion-dir", "", "Fashion-MNIST folder (default: Debian's "+data.FashionMNISTDir+")")
	fs.StringVar(&o.target, "target", "", "CSV label column (default: the last column)")
	fs.StringVar(&o.task, "task", "", "classification or regression (default: inferred from the target)")
	fs.IntVar(&o.samples, "samples", 1000, "samples to generate for built-in datasets")
	fs.Float64Var(&o.noise, "noise", 0.03, "noise of built-in datasets")
}

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
	case !(o.dropout >= 0 && o.dropout < 1):
		return usagef("--dropout must be in [0, 1), got %g", o.dropout)
	case !(o.weightDecay >= 0) || math.IsInf(o.weightDecay, 1):
		return usagef("--weight-decay must be 0 or more, got %g", o.weightDecay)
	case o.dropout > 0 && o.model == "cnn":
		return usagef("--dropout applies to --model mlp only (the cnn is LeNet-5 as it stands)")
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
	case o.model == "cnn" && o.data != "fashion-mnist":
		return usagef("--model cnn needs image data: use --data fashion-mnist")
	}
	if _, err := parseHidden(o.hidden); err != nil {
		return err
	}
	if _, err := nn.ActivationByName(o.activation); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// applyDataDefaults sets the network defaults that suit the data set, for flags not given.
func (o *trainOptions) applyDataDefaults(set map[string]bool) {
	if o.data != "fashion-mnist" {
		return
	}
	// Defaults that suit 60,000 images, unless the flags say otherwise.
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

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, fs := trainFlags(stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	set := setFlags(fs)
	o.weightDecaySet = set["weight-decay"]
	if err := o.checkModelFlags(set); err != nil {
		return err
	}
	o.applyDataDefaults(set)
	if err := o.validate(); err != nil {
		return err
	}
	if err := o.checkOutputFlags(set); err != nil {
		return err
	}
	ds, err := loadData(o)
	if err != nil {
		return err
	}
	if o.cv > 0 {
		return runCV(ctx, o, set, ds, stdout, stderr)
	}
	if _, classical := familyByName(o.model); classical {
		return runClassic(ctx, o, set, ds, stdout, stderr)
	}
	if _, err := networkSpec(o, ds); err != nil {
		return err // before --log creates its file
	}
	var onEpoch func(train.Epoch) error
	if o.log != "" {
		l, err := openRunLog(o.log)
		if err != nil {
			return err
		}
		defer l.Close()
		onEpoch = l.record
	}
	res, err := trainNetworkLogged(ctx, o, ds, stdout, onEpoch)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if o.save != "" {
		features, target := featureNames(ds)
		if err := saveTrained(o.save, res.model, ds, features, target, res.scaler); err != nil {
			return err
		}
		defer fmt.Fprintf(stdout, "saved the model to %s\n", o.save)
	}
	if res.regression {
		err = reportRegression(stdout, res.testY, res.out)
	} else {
		err = reportClassification(stdout, res.testY, res.pred, ds.classes)
	}
	if err != nil || o.plots == "" {
		return err
	}
	return writeNetworkPlots(o, ds, res, stdout)
}

// checkOutputFlags rejects --plots, --log and --cv settings that cannot work, before any
// training: a folder that cannot be created, and flags that do not go with --cv.
func (o *trainOptions) checkOutputFlags(set map[string]bool) error {
	if o.cv != 0 {
		if o.cv < 2 {
			return usagef("--cv must be at least 2 folds, got %d", o.cv)
		}
		for _, name := range []string{"save", "plots", "checkpoint-dir", "resume", "test-split"} {
			if set[name] {
				return usagef("--%s cannot be used with --cv: cross-validation trains one model per fold only to score it; train without --cv to save or plot a model", name)
			}
		}
	}
	if o.plots != "" {
		if err := checkOutDir("--plots", o.plots); err != nil {
			return err
		}
	}
	if o.log != "" {
		if err := checkParent("--log", o.log); err != nil {
			return err
		}
	}
	return nil
}

// featureNames returns the names of the data set's feature columns and of its target.
func featureNames(ds *dataset) (features []string, target string) {
	if ds.csv {
		return ds.features, ds.target
	}
	for i := range ds.X.Size(1) {
		features = append(features, fmt.Sprintf("x%d", i))
	}
	return features, "y"
}

// network is a trained network with its test-set outputs.
type network struct {
	model          nn.Module
	scaler         *data.StandardScaler // nil unless the data came from a CSV file
	regression     bool
	hist           *train.History
	trainX, testX  *tensor.Tensor // rows as loaded: before scaling and reshaping to images
	trainY, testY  *tensor.Tensor
	out, pred      *tensor.Tensor // raw outputs; predicted class indices (classification)
	fitS, predictS float64
}

// netSpec is what the loss decides about a network: its name and function, the width of the
// output layer and the dtype the targets take.
type netSpec struct {
	lossName string
	lossFn   nn.Loss
	outputs  int
	floatY   bool // float targets (BCE and regression losses), else int64 class indices
}

func networkSpec(o *trainOptions, ds *dataset) (netSpec, error) {
	regression := ds.task == synth.TaskRegression
	s := netSpec{lossName: o.loss}
	if s.lossName == "" {
		switch {
		case regression:
			s.lossName = "mse"
		case len(ds.classes) == 2:
			s.lossName = "bce_with_logits"
		default:
			s.lossName = "cross_entropy"
		}
	}
	var err error
	if s.outputs, err = outputsFor(s.lossName, regression, len(ds.classes)); err != nil {
		return s, err
	}
	if s.lossFn, err = nn.LossByName(s.lossName); err != nil {
		return s, usageError{err.Error()}
	}
	s.floatY = s.lossName != "cross_entropy" && s.lossName != "nll"
	return s, nil
}

// target returns y in the dtype the loss takes.
func (s netSpec) target(y *tensor.Tensor) *tensor.Tensor {
	if s.floatY {
		return y.Float()
	}
	return y
}

// trainNetwork builds and trains the --model mlp or cnn network as the flags say, printing
// the model, the data line and the progress per epoch to w, and applies it to the test rows.
func trainNetwork(ctx context.Context, o *trainOptions, ds *dataset, w io.Writer) (*network, error) {
	return trainNetworkLogged(ctx, o, ds, w, nil)
}

// trainNetworkLogged is trainNetwork with onEpoch, when set, receiving every epoch's record.
func trainNetworkLogged(ctx context.Context, o *trainOptions, ds *dataset, w io.Writer, onEpoch func(train.Epoch) error) (*network, error) {
	spec, err := networkSpec(o, ds)
	if err != nil {
		return nil, err
	}
	trainSet, testSet, err := splitData(o, ds, spec.target(ds.y))
	if err != nil {
		return nil, err
	}
	return fitNetwork(ctx, o, ds, spec, trainSet, testSet, w, w, onEpoch)
}

// fitNetwork trains a fresh network on trainSet (less the --val-split rows) and applies it to
// testSet. header receives the model and the data line, progress the epochs.
func fitNetwork(ctx context.Context, o *trainOptions, ds *dataset, spec netSpec, trainSet, testSet *data.TensorDataset, header, progress io.Writer, onEpoch func(train.Epoch) error) (*network, error) {
	hidden, err := parseHidden(o.hidden)
	if err != nil {
		return nil, err
	}
	act, err := nn.ActivationByName(o.activation)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	regression := ds.task == synth.TaskRegression
	res := &network{regression: regression, trainX: trainSet.X, trainY: trainSet.Y, testX: testSet.X, testY: testSet.Y}
	trainSet = &data.TensorDataset{X: trainSet.X, Y: spec.target(trainSet.Y)}
	testSet = &data.TensorDataset{X: testSet.X, Y: spec.target(testSet.Y)}
	var stratify []data.SplitOption
	if !regression {
		stratify = append(stratify, data.Stratify())
	}
	var valSet *data.TensorDataset
	if o.valSplit > 0 {
		trainSet, valSet, err = data.TrainTestSplit(trainSet.X, trainSet.Y, o.valSplit, o.seed+1, stratify...)
		if err != nil {
			return nil, fmt.Errorf("splitting off validation rows: %w", err)
		}
	}
	if ds.csv {
		// Standardise features with statistics of the training rows only.
		var sc data.StandardScaler
		if trainSet.X, err = sc.FitTransform(trainSet.X); err != nil {
			return nil, err
		}
		res.scaler = &sc
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
		if o.dropout > 0 {
			layers = append(layers, nn.Dropout(o.dropout))
		}
		in = h
	}
	layers = append(layers, nn.Linear(in, spec.outputs))
	if spec.outputs == 1 {
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
	res.model = model
	fmt.Fprintln(header, model)
	fmt.Fprintf(header, "data: %s, %d train / %d test rows", o.data, trainSet.Len(), testSet.Len())
	if valSet != nil {
		fmt.Fprintf(header, " / %d validation", valSet.Len())
	}
	fmt.Fprintf(header, ", task %s, loss %s, optimizer %s (lr %g)\n", ds.task, spec.lossName, o.optimizer, o.lr)

	optOpts := []optim.Option{optim.LR(o.lr)}
	if o.weightDecaySet || o.weightDecay != 0 {
		optOpts = append(optOpts, optim.WeightDecay(o.weightDecay))
	}
	opt, err := optim.ByName(o.optimizer, model.Parameters(), optOpts...)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	cfg := train.Config{
		Model: model, Loss: spec.lossFn, Optimizer: opt, Epochs: o.epochs, Progress: progress,
		Train: data.Loader(trainSet, o.batchSize, data.Shuffle(o.seed)), OnEpoch: onEpoch,
	}
	if valSet != nil {
		cfg.Val = data.Loader(valSet, 1024)
	}
	if o.scheduler == "cosine" {
		cfg.Scheduler = lr.CosineAnnealingLR(opt, o.epochs, 0)
	}
	if !regression {
		if spec.outputs == 1 {
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
			return nil, fmt.Errorf("cannot --resume: %w", err)
		}
	}
	start := time.Now()
	hist, err := train.Fit(ctx, cfg)
	if err != nil {
		return nil, err
	}
	res.hist, res.fitS = hist, time.Since(start).Seconds()
	if hist.StoppedEarly {
		fmt.Fprintf(progress, "early stopping after epoch %d; restored the weights of epoch %d\n", len(hist.Epochs), hist.BestEpoch)
	}

	start = time.Now()
	nn.Eval(model)
	tensor.NoGrad(func() { res.out = model.Forward(testSet.X) })
	switch {
	case regression:
	case spec.outputs == 1:
		res.pred = res.out.GtScalar(0).Long()
	default:
		res.pred = res.out.ArgmaxDim(1, false)
	}
	res.predictS = time.Since(start).Seconds()
	return res, nil
}

// saveTrained writes the model with what predict and eval need to use it on raw rows.
func saveTrained(path string, model nn.Module, ds *dataset, features []string, target string, scaler *data.StandardScaler) error {
	meta := trainedMeta(ds, features, target)
	if scaler != nil {
		meta[metaScaler] = js(scalerMeta{Mean: scaler.Mean.Float64s(), Scale: scaler.Scale.Float64s()})
	}
	return checkpoint.SaveModel(path, model, meta)
}

// trainedMeta is the metadata every model file written by train holds: the task, the feature
// and target names and, for classification, the class names.
func trainedMeta(ds *dataset, features []string, target string) map[string]string {
	meta := map[string]string{metaTask: string(ds.task), metaFeatures: js(features), metaTarget: target}
	if ds.classes != nil {
		meta[metaClasses] = js(ds.classes)
	}
	return meta
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

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
