// Command gendocs draws the README's sample figures into docs/img: the training history and
// decision boundary of the circles 2-10-10-10-1 MLP, a digits classifier's confusion matrix,
// a ROC curve, its precision–recall curve and a histogram of its scores, a scatter of blobs, a grid of digits and Grad-CAM heat maps of a digits CNN (from testdata/golden/plot.json, which
// testdata/golden/gen_plot.py writes from scikit-learn's load_digits). Everything is seeded,
// so the pictures only change when the code drawing them does. Run from the repository root:
//
//	go run ./plot/internal/gendocs
package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/explain"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
	"github.com/ember-ml/ember/train"
)

const out = "docs/img"

func main() {
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, step := range []func() error{circles, digits, roc, scatter, heatmaps} {
		if err := step(); err != nil {
			log.Fatal(err)
		}
	}
}

func save(f *plot.Figure, err error, name string) error {
	if err != nil {
		return err
	}
	path := filepath.Join(out, name)
	var buf bytes.Buffer
	if err := f.Render(&buf, "png"); err != nil {
		return err
	}
	img, err := png.Decode(&buf)
	if err != nil {
		return err
	}
	buf.Reset()
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, quantize(img)); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("%s  %d bytes\n", path, fi.Size())
	return nil
}

// quantize maps img to its 256 most frequent colours (each other colour to the nearest of
// them), which keeps the README's pictures under 60 KB: figures are mostly flat colour, and
// only anti-aliased edges change, by a shade.
func quantize(img image.Image) *image.Paletted {
	b := img.Bounds()
	freq := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			freq[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	cols := make([]color.RGBA, 0, len(freq))
	for c := range freq {
		cols = append(cols, c)
	}
	slices.SortFunc(cols, func(a, b color.RGBA) int {
		if d := freq[b] - freq[a]; d != 0 {
			return d
		}
		return int(a.R)<<16 | int(a.G)<<8 | int(a.B) - (int(b.R)<<16 | int(b.G)<<8 | int(b.B))
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range cols[:min(len(cols), 256)] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	index := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.Pix[out.PixOffset(x, y)] = i
		}
	}
	return out
}

// fit trains model with Adam and early stopping on the validation loss.
func fit(model nn.Module, loss nn.Loss, tr, val *data.TensorDataset, epochs int, lr float64, metric train.Metric) (*train.History, error) {
	return train.Fit(context.Background(), train.Config{
		Model:         model,
		Loss:          loss,
		Optimizer:     optim.Adam(nn.Parameters(model), optim.LR(lr)),
		Train:         data.Loader(tr, 32, data.Shuffle(1)),
		Val:           data.Loader(val, 256),
		Epochs:        epochs,
		Metrics:       []train.Metric{metric},
		EarlyStopping: &train.EarlyStopping{Patience: 8, RestoreBest: true},
	})
}

// circles: loss.png and boundary.png.
func circles() error {
	tensor.ManualSeed(42)
	X, y := synth.Circles(500, synth.Noise(0.06), synth.Seed(42))
	tr, test, err := data.TrainTestSplit(X, y.Float(), 0.2, 42)
	if err != nil {
		return err
	}
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1), nn.FlattenDims(0, -1))
	h, err := fit(model, nn.BCEWithLogitsLoss(), tr, test, 150, 0.01, train.BinaryAccuracy(0))
	if err != nil {
		return err
	}
	if err := saveAs("loss.png")(plot.LossCurves(h, plot.Title("circles: 2-10-10-10-1 MLP, Adam(lr=0.01)"))); err != nil {
		return err
	}
	return saveAs("boundary.png")(plot.DecisionBoundary(plot.ModuleProba(model), tr.X, tr.Y, plot.TestData(test.X, test.Y),
		plot.Title("circles: P(class 1) of the 2-10-10-10-1 MLP"), plot.AxisLabels("x₁", "x₂")))
}

func saveAs(name string) func(*plot.Figure, error) error {
	return func(f *plot.Figure, err error) error { return save(f, err, name) }
}

// loadDigits returns gen_plot.py's 600 digits, X [600, 64] scaled to [0, 1], and labels.
func loadDigits() (X, y *tensor.Tensor, err error) {
	var g struct {
		Digits struct {
			Images [][]float64
			Target []int64
		}
	}
	if err := tensortest.LoadJSON("testdata/golden/plot.json", &g); err != nil {
		return nil, nil, err
	}
	n := len(g.Digits.Images)
	var pix []float64
	for _, im := range g.Digits.Images {
		for _, v := range im {
			pix = append(pix, v/16)
		}
	}
	return tensor.FromSlice(pix, n, 64).Float(), tensor.FromSlice(g.Digits.Target, n), nil
}

// digits: confusion.png and grid.png from scikit-learn's load_digits.
func digits() error {
	X, y, err := loadDigits()
	if err != nil {
		return err
	}
	tr, test, err := data.TrainTestSplit(X, y, 0.25, 0)
	if err != nil {
		return err
	}
	tensor.ManualSeed(0)
	model := nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
	if _, err := fit(model, nn.CrossEntropyLoss(), tr, test, 60, 0.005, train.MulticlassAccuracy()); err != nil {
		return err
	}
	nn.Eval(model)
	var pred *tensor.Tensor
	tensor.NoGrad(func() { pred = model.Forward(test.X).ArgmaxDim(1, false) })
	cm, err := metrics.ConfusionMatrix(test.Y, pred, metrics.WithLabels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))
	if err != nil {
		return err
	}
	if err := saveAs("confusion.png")(plot.ConfusionMatrixOf(cm, "", plot.Title("digits: 64-32-10 MLP on 150 test images"))); err != nil {
		return err
	}
	labels := make([]string, 24)
	for i := range labels {
		labels[i] = fmt.Sprintf("label %d", int(y.At(i)))
	}
	return saveAs("grid.png")(plot.ImageGrid(X.Narrow(0, 0, 24).Reshape(24, 8, 8), labels, 8, plot.Title("load_digits: the first 24 images")))
}

// roc: roc.png, pr.png and histogram.png for an MLP on noisy moons, where the classes overlap.
func roc() error {
	tensor.ManualSeed(7)
	X, y := synth.Moons(1000, synth.Noise(0.35), synth.Seed(7))
	tr, test, err := data.TrainTestSplit(X, y.Float(), 0.4, 7)
	if err != nil {
		return err
	}
	model := nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1), nn.FlattenDims(0, -1))
	if _, err := fit(model, nn.BCEWithLogitsLoss(), tr, test, 60, 0.01, train.BinaryAccuracy(0)); err != nil {
		return err
	}
	nn.Eval(model)
	var scores *tensor.Tensor
	tensor.NoGrad(func() { scores = model.Forward(test.X).Sigmoid() })
	if err := saveAs("roc.png")(plot.ROC(test.Y, scores, plot.Title("moons (noise 0.35): 2-16-1 MLP on 400 test points"))); err != nil {
		return err
	}
	if err := saveAs("pr.png")(plot.PrecisionRecall(test.Y, scores, plot.Title("moons (noise 0.35): precision–recall of the same MLP"))); err != nil {
		return err
	}
	return saveAs("histogram.png")(plot.Histogram(scores, 30, plot.Title("moons (noise 0.35): the MLP's P(class 1) on 400 test points"),
		plot.AxisLabels("P(class 1)", "test points")))
}

// scatter: scatter.png of four Gaussian blobs.
func scatter() error {
	X, y := synth.Blobs(400, synth.NumCenters(4), synth.ClusterStd(1.2), synth.Seed(3))
	return saveAs("scatter.png")(plot.Scatter(X, y, plot.Title("make_blobs: 400 points, 4 centres"), plot.AxisLabels("x₁", "x₂")))
}

// heatmaps: heatmaps.png, Grad-CAM of a small CNN's second convolution on test digits.
func heatmaps() error {
	X, y, err := loadDigits()
	if err != nil {
		return err
	}
	tr, test, err := data.TrainTestSplit(X.Reshape(-1, 1, 8, 8), y, 0.25, 0)
	if err != nil {
		return err
	}
	tensor.ManualSeed(0)
	pad := tensor.Conv2dOptions{Padding: [2]int{1, 1}}
	conv2 := nn.Conv2d(8, 16, [2]int{3, 3}, pad)
	model := nn.Sequential(nn.Conv2d(1, 8, [2]int{3, 3}, pad), nn.ReLU(), nn.MaxPool2d(tensor.PoolOptions{Kernel: [2]int{2, 2}}),
		conv2, nn.ReLU(), nn.Flatten(), nn.Linear(16*4*4, 10))
	if _, err := fit(model, nn.CrossEntropyLoss(), tr, test, 40, 0.005, train.MulticlassAccuracy()); err != nil {
		return err
	}
	x := test.X.Narrow(0, 0, 6)
	cam, err := explain.GradCAM(model, conv2, x, explain.Predicted)
	if err != nil {
		return err
	}
	var pred *tensor.Tensor
	tensor.NoGrad(func() { pred = model.Forward(x).ArgmaxDim(1, false) })
	titles := make([]string, 6)
	for i := range titles {
		titles[i] = fmt.Sprintf("label %d, predicted %d", int(test.Y.At(i)), int(pred.At(i)))
	}
	return saveAs("heatmaps.png")(plot.Heatmaps(x, cam, titles, plot.Title("Grad-CAM of a digits CNN's second convolution (predicted class)")))
}
