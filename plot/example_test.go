package plot_test

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/tensor"
)

// The points behind a ROC curve, as scikit-learn's roc_curve returns them for its
// documentation's example; ROC draws them with the area in the legend.
func ExampleROCCurve() {
	y := tensor.FromSlice([]int64{0, 0, 1, 1}, 4)
	scores := tensor.FromSlice([]float64{0.1, 0.4, 0.35, 0.8}, 4)
	fpr, tpr, thresholds, err := plot.ROCCurve(y, scores)
	if err != nil {
		panic(err)
	}
	fmt.Println(fpr)
	fmt.Println(tpr)
	fmt.Println(thresholds)
	ap, _ := plot.AveragePrecision(y, scores)
	fmt.Printf("average precision %.4f\n", ap)
	// Output:
	// [0 0 0.5 0.5 1]
	// [0 0.5 0.5 1 1]
	// [1.8 0.8 0.4 0.35 0.1]
	// average precision 0.8333
}

// A confusion matrix as a heat map, written as PNG (Save picks the format from the file
// name instead).
func ExampleConfusionMatrix() {
	cm := tensor.FromSlice([]int64{9, 1, 2, 8}, 2, 2)
	f, err := plot.ConfusionMatrix(cm, []string{"cat", "dog"}, "true", plot.Size(4, 3.5))
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := f.Render(&buf, "png"); err != nil {
		panic(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		panic(err)
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "pixels")
	// Output: 400 × 350 pixels
}

// DecisionBoundary takes any predict function: here a fitted scikit-learn-style estimator's
// PredictProba (an nn module goes through ModuleProba instead).
func ExampleDecisionBoundary() {
	X, y := synth.Blobs(100, synth.Centers([][]float64{{-2, 0}, {2, 0}}), synth.Seed(0))
	clf := linear.NewLogisticRegression()
	if err := clf.Fit(X, y); err != nil {
		panic(err)
	}
	f, err := plot.DecisionBoundary(clf.PredictProba, X, y, plot.Title("logistic regression"))
	if err != nil {
		panic(err)
	}
	w, h := f.Size()
	fmt.Println("figure", w, "×", h, "in") // f.Save("boundary.png") writes it

	g, err := plot.BoundaryGrid(clf.PredictProba, X) // the field the figure draws
	if err != nil {
		panic(err)
	}
	n := len(g.Xs)
	fmt.Printf("%d×%d cells, P(class 1) %.2f at the left edge, %.2f at the right\n", n, len(g.Ys), g.Proba[n*n/2], g.Proba[n*n/2+n-1])
	// Output:
	// figure 6 × 4.5 in
	// 200×200 cells, P(class 1) 0.00 at the left edge, 1.00 at the right
}
