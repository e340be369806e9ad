package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/tensor"
)

// checkParent returns an error naming the folder when path's folder does not exist.
func checkParent(flagName, path string) error {
	parent := filepath.Dir(path)
	fi, err := os.Stat(parent)
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: folder %s does not exist", flagName, path, parent)
	case !fi.IsDir():
		return fmt.Errorf("%s %s: %s is not a folder", flagName, path, parent)
	}
	return nil
}

// checkOutDir returns an error unless dir is a folder, or can be made as one because its
// parent exists.
func checkOutDir(flagName, dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s %s: not a folder", flagName, dir)
		}
		return nil
	}
	return checkParent(flagName, dir)
}

// namedFigure is a figure and the file name it is saved under.
type namedFigure struct {
	name string
	fig  *plot.Figure
}

// saveFigures writes the figures into dir (made if missing) and prints each path written.
func saveFigures(dir string, figs []namedFigure, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--plots: %w", err)
	}
	for _, f := range figs {
		path := filepath.Join(dir, f.name)
		if err := f.fig.Save(path); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s\n", path)
	}
	return nil
}

// dataTitle names the data in figure titles: a CSV file by its base name.
func dataTitle(o *trainOptions) string {
	if o.data == "fashion-mnist" {
		return "Fashion-MNIST"
	}
	return filepath.Base(o.data)
}

// classPlots draws the figures of a classifier's test predictions: the confusion matrix,
// the decision boundary over the plane for two features (predict gives probabilities or
// labels of raw rows) and the ROC curve for two classes (scores: the class-1 score of each
// test row, or nil when the model has none).
func classPlots(o *trainOptions, ds *dataset, name string, trainSet, testSet *data.TensorDataset, pred *tensor.Tensor, predict plot.PredictFunc, scores *tensor.Tensor) ([]namedFigure, error) {
	var figs []namedFigure
	k := len(ds.classes)
	labels := make([]int, k)
	for i := range labels {
		labels[i] = i
	}
	m, err := metrics.ConfusionMatrix(testSet.Y.Long(), pred.Long(), metrics.WithLabels(labels...))
	if err != nil {
		return nil, err
	}
	counts := make([]int64, 0, k*k)
	for _, row := range m.Counts {
		for _, c := range row {
			counts = append(counts, int64(c))
		}
	}
	title := fmt.Sprintf("%s on %s", name, dataTitle(o))
	fig, err := plot.ConfusionMatrix(tensor.FromSlice(counts, k, k), ds.classes, "",
		plot.Title(fmt.Sprintf("Confusion matrix: %s (%s test rows)", title, commas(testSet.Len()))))
	if err != nil {
		return nil, err
	}
	figs = append(figs, namedFigure{"confusion.png", fig})
	if ds.X.Size(1) == 2 {
		features, _ := featureNames(ds)
		opts := []plot.Option{plot.TestData(testSet.X, testSet.Y.Long()),
			plot.AxisLabels(features[0], features[1]), plot.Title("Decision boundary: " + title)}
		if ds.csv {
			opts = append(opts, plot.ClassNames(ds.classes...)) // else the default "class 0", "class 1", …
		}
		fig, err := plot.DecisionBoundary(predict, trainSet.X, trainSet.Y.Long(), opts...)
		if err != nil {
			return nil, err
		}
		figs = append(figs, namedFigure{"boundary.png", fig})
	}
	if k == 2 && scores != nil {
		fig, err := plot.ROC(testSet.Y.Long(), scores, plot.Title(fmt.Sprintf("ROC curve: %s (positive class: %s)", title, ds.classes[1])))
		if err != nil {
			return nil, err
		}
		figs = append(figs, namedFigure{"roc.png", fig})
	}
	return figs, nil
}

// writeNetworkPlots writes loss.png and, for a classifier, the figures of classPlots.
func writeNetworkPlots(o *trainOptions, ds *dataset, res *network, w io.Writer) error {
	fig, err := plot.LossCurves(res.hist, plot.Title(fmt.Sprintf("Training history: %s on %s", o.model, dataTitle(o))))
	if err != nil {
		return err
	}
	figs := []namedFigure{{"loss.png", fig}}
	if !res.regression {
		proba := plot.ModuleProba(res.model)
		predict := func(X *tensor.Tensor) (*tensor.Tensor, error) {
			if res.scaler != nil {
				var err error
				if X, err = res.scaler.Transform(X); err != nil {
					return nil, err
				}
			}
			return proba(X)
		}
		var scores *tensor.Tensor
		if len(ds.classes) == 2 {
			tensor.NoGrad(func() {
				if res.out.Dim() == 1 {
					scores = res.out.Sigmoid()
				} else {
					scores = res.out.Softmax(1).Select(1, 1).Contiguous()
				}
			})
		}
		more, err := classPlots(o, ds, o.model, &data.TensorDataset{X: res.trainX, Y: res.trainY},
			&data.TensorDataset{X: res.testX, Y: res.testY}, res.pred, predict, scores)
		if err != nil {
			return err
		}
		figs = append(figs, more...)
	}
	return saveFigures(o.plots, figs, w)
}

// writeClassicPlots writes a classical classifier's figures (see classPlots); a regressor
// has none, which it says.
func writeClassicPlots(o *trainOptions, ds *dataset, fit *classicFit, trainSet, testSet *data.TensorDataset, w io.Writer) error {
	if len(ds.classes) == 0 {
		fmt.Fprintf(w, "no plots written: the figures of --plots (confusion matrix, decision boundary, ROC, loss curves) are for classifiers and networks\n")
		return nil
	}
	pipe, nc := fit.pipe, len(ds.classes)
	proba := hasProba(pipe)
	predict := func(X *tensor.Tensor) (*tensor.Tensor, error) {
		if proba {
			p, err := pipe.PredictProba(X)
			if err != nil {
				return nil, err
			}
			return probaByClass(finalStep(pipe), p, nc)
		}
		p, err := pipe.Predict(X)
		if err != nil {
			return nil, err
		}
		return p.Long(), nil
	}
	var scores *tensor.Tensor
	if nc == 2 {
		var err error
		switch _, dec := finalStep(pipe).(interface {
			DecisionFunction(*tensor.Tensor) (*tensor.Tensor, error)
		}); {
		case proba:
			var p *tensor.Tensor
			if p, err = predict(testSet.X); err == nil {
				scores = p.Select(1, 1).Contiguous()
			}
		case dec:
			scores, err = pipe.DecisionFunction(testSet.X)
		default:
			fmt.Fprintf(w, "no roc.png: %s gives neither probabilities nor decision values\n", estimatorName(finalStep(pipe)))
		}
		if err != nil {
			return err
		}
	}
	figs, err := classPlots(o, ds, o.model, trainSet, testSet, fit.pred, predict, scores)
	if err != nil {
		return err
	}
	return saveFigures(o.plots, figs, w)
}
