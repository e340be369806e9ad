package plot_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
	"github.com/ember-ml/ember/train"
)

type curveCase struct {
	Name              string
	YTrue             []float64 `json:"y_true"`
	Scores            []float64
	FPR, TPR          []tensortest.Num
	ROCThresholds     []tensortest.Num `json:"roc_thresholds"`
	Precision, Recall []tensortest.Num
	PRThresholds      []tensortest.Num `json:"pr_thresholds"`
	ROCAUC            float64          `json:"roc_auc"`
	AveragePrecision  float64          `json:"average_precision"`
}

type golden struct {
	Curves    []curveCase
	Confusion map[string][][]float64
	Digits    struct {
		Images [][]float64
		Target []int
	}
}

func load(t testing.TB) golden {
	t.Helper()
	var g golden
	if err := tensortest.LoadJSON("../testdata/golden/plot.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func nums(v []tensortest.Num) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func closeSlices(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d points, want %d\n got %v\nwant %v", what, len(got), len(want), got, want)
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s[%d] = %v, want %v\n got %v\nwant %v", what, i, got[i], want[i], got, want)
		}
	}
}

// TestCurvesMatchScikitLearn replays testdata/golden/gen_plot.py: roc_curve,
// precision_recall_curve, roc_auc_score and average_precision_score.
func TestCurvesMatchScikitLearn(t *testing.T) {
	for _, c := range load(t).Curves {
		t.Run(c.Name, func(t *testing.T) {
			y := tensor.FromSlice(c.YTrue, len(c.YTrue))
			s := tensor.FromSlice(c.Scores, len(c.Scores))
			fpr, tpr, thr, err := plot.ROCCurve(y, s)
			if err != nil {
				t.Fatal(err)
			}
			closeSlices(t, "fpr", fpr, nums(c.FPR), 0)
			closeSlices(t, "tpr", tpr, nums(c.TPR), 0)
			closeSlices(t, "roc thresholds", thr, nums(c.ROCThresholds), 0)
			p, r, pthr, err := plot.PrecisionRecallCurve(y, s)
			if err != nil {
				t.Fatal(err)
			}
			closeSlices(t, "precision", p, nums(c.Precision), 0)
			closeSlices(t, "recall", r, nums(c.Recall), 0)
			closeSlices(t, "pr thresholds", pthr, nums(c.PRThresholds), 0)
			ap, err := plot.AveragePrecision(y, s)
			if err != nil {
				t.Fatal(err)
			}
			closeSlices(t, "average precision", []float64{ap}, []float64{c.AveragePrecision}, 1e-12)
		})
	}
}

func TestNormalizeMatrixMatchesScikitLearn(t *testing.T) {
	g := load(t).Confusion
	for _, mode := range []string{"true", "pred", "all"} {
		got, err := plot.NormalizeMatrix(g["counts"], mode)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			closeSlices(t, mode, got[i], g[mode][i], 1e-15)
		}
	}
	if _, err := plot.NormalizeMatrix(g["counts"], "rows"); err == nil || !strings.Contains(err.Error(), `"rows"`) {
		t.Fatalf("unknown normalize: err = %v", err)
	}
}

// decode renders f as PNG and decodes it.
func decode(t *testing.T, f *plot.Figure) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Render(&buf, "png"); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// colours counts the distinct colours of img (quantised to 5 bits per channel).
func colours(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>11)<<10|(g>>11)<<5|bl>>11] = true
		}
	}
	return len(seen)
}

var saved int

// hasColour reports whether some pixel of img is within tol of c on every channel.
func hasColour(img image.Image, c color.RGBA, tol int) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-int(c.R)) <= tol && abs(int(g>>8)-int(c.G)) <= tol && abs(int(bl>>8)-int(c.B)) <= tol {
				return true
			}
		}
	}
	return false
}

func abs(x int) int { return max(x, -x) }

func checkPNG(t *testing.T, f *plot.Figure, w, h, minColours int) image.Image {
	t.Helper()
	img := decode(t, f)
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	if n := colours(img); n < minColours {
		t.Fatalf("PNG has %d distinct colours, want at least %d", n, minColours)
	}
	if os.Getenv("EMBER_PLOT_OUT") != "" { // look at the figures: EMBER_PLOT_OUT=/tmp/plots go test ./plot/
		saved++
		name := fmt.Sprintf("%s_%d.png", strings.ReplaceAll(t.Name(), "/", "_"), saved)
		if err := f.Save(filepath.Join(os.Getenv("EMBER_PLOT_OUT"), name)); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

func circlesMLP(seed uint64) nn.Module {
	tensor.ManualSeed(seed)
	return nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
}

func TestDecisionBoundaryGridIsTheModelsOutput(t *testing.T) {
	X, _ := synth.Circles(200, synth.Noise(0.05), synth.Seed(1))
	m := circlesMLP(1)
	g, err := plot.BoundaryGrid(plot.ModuleProba(m), X, plot.Resolution(50))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Xs) != 50 || len(g.Ys) != 50 || len(g.Proba) != 2500 || g.Class != nil {
		t.Fatalf("grid %d×%d, %d probabilities, classes %v", len(g.Xs), len(g.Ys), len(g.Proba), g.Class != nil)
	}
	// The grid covers the data plus 10% on each side.
	xs := X.Float32s()
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i := 0; i < len(xs); i += 2 {
		xmin, xmax = min(xmin, float64(xs[i])), max(xmax, float64(xs[i]))
	}
	if r := xmax - xmin; math.Abs(g.Extent[0]-(xmin-0.1*r)) > 1e-9 || math.Abs(g.Extent[1]-(xmax+0.1*r)) > 1e-9 {
		t.Fatalf("extent %v for x in [%v, %v]", g.Extent, xmin, xmax)
	}
	for _, ij := range [][2]int{{0, 0}, {49, 0}, {17, 31}, {49, 49}} {
		i, j := ij[0], ij[1]
		var want float64
		tensor.NoGrad(func() {
			want = m.Forward(tensor.FromSlice([]float32{float32(g.Xs[i]), float32(g.Ys[j])}, 1, 2)).Sigmoid().Item()
		})
		if got := g.Proba[j*50+i]; math.Abs(got-want) > 1e-6 {
			t.Fatalf("cell (%d, %d) at (%v, %v): %v, model says %v", i, j, g.Xs[i], g.Ys[j], got, want)
		}
	}
}

func TestDecisionBoundaryRenders(t *testing.T) {
	X, y := synth.Circles(300, synth.Noise(0.05), synth.Seed(2))
	tx, ty := synth.Circles(60, synth.Noise(0.05), synth.Seed(3))
	f, err := plot.DecisionBoundary(plot.ModuleProba(circlesMLP(2)), X, y, plot.TestData(tx, ty), plot.Title("circles"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 600, 450, 40)

	// P(class 1) = sigmoid(10·x₁): the left half of the field is pale blue (p ≈ 0), the right
	// half pale red (p ≈ 1), and the 0.5 contour is drawn in dark grey between them.
	lin := nn.Linear(2, 1)
	lin.Weight.CopyFrom(tensor.FromSlice([]float32{10, 0}, 1, 2))
	lin.Bias.CopyFrom(tensor.Zeros(1))
	f, err = plot.DecisionBoundary(plot.ModuleProba(lin), X, y)
	if err != nil {
		t.Fatal(err)
	}
	img := checkPNG(t, f, 600, 450, 40)
	var svg bytes.Buffer // SVG embeds the field as an image
	if err := f.Render(&svg, "svg"); err != nil || !bytes.Contains(svg.Bytes(), []byte("<image")) {
		t.Fatalf("SVG: err %v, %d bytes without an <image>", err, svg.Len())
	}
	for name, c := range map[string]color.RGBA{"blue field": {157, 166, 224, 255}, "red field": {218, 130, 147, 255}, "contour": {40, 40, 40, 255}} {
		if !hasColour(img, c, 3) {
			t.Errorf("no %s colour %v in the boundary figure", name, c)
		}
	}

	// Multi-class: a 3-logit module and hard labels.
	Xb, yb := synth.Blobs(150, synth.NumCenters(3), synth.Seed(4))
	tensor.ManualSeed(3)
	m := nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
	f, err = plot.DecisionBoundary(plot.ModuleProba(m), Xb, yb, plot.ClassNames("a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 600, 450, 20)
	labels := func(X *tensor.Tensor) (*tensor.Tensor, error) { return X.Select(1, 0).GtScalar(0).Long(), nil }
	f, err = plot.DecisionBoundary(labels, Xb, yb)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 600, 450, 10)
}

func TestDecisionBoundaryErrors(t *testing.T) {
	X, y := synth.Circles(20, synth.Seed(1))
	proba := plot.ModuleProba(circlesMLP(1))
	logits := func(X *tensor.Tensor) (*tensor.Tensor, error) { return X.Select(1, 0).MulScalar(10), nil }
	nan := tensor.FromSlice([]float32{0, 0, float32(math.NaN()), 1}, 2, 2)
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"3 features", func() error { _, err := plot.DecisionBoundary(proba, tensor.Zeros(4, 3), tensor.Zeros(4)); return err }, "shape [N, 2]"},
		{"labels length", func() error { _, err := plot.DecisionBoundary(proba, X, tensor.Zeros(3)); return err }, "y must have shape [20]"},
		{"fractional label", func() error { _, err := plot.DecisionBoundary(proba, X, tensor.Full(0.5, 20)); return err }, "not a class index"},
		{"NaN input", func() error { _, err := plot.DecisionBoundary(proba, nan, tensor.Zeros(2)); return err }, "non-finite"},
		{"logits", func() error { _, err := plot.DecisionBoundary(logits, X, y); return err }, "ModuleProba"},
		{"wrong module", func() error {
			_, err := plot.DecisionBoundary(plot.ModuleProba(nn.Linear(3, 1)), X, y)
			return err
		}, "module forward"},
		{"resolution", func() error { _, err := plot.DecisionBoundary(proba, X, y, plot.Resolution(1)); return err }, "resolution"},
		{"test y missing", func() error { _, err := plot.DecisionBoundary(proba, X, y, plot.TestData(X, nil)); return err }, "test y is nil"},
	} {
		err := tc.run()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func history() *train.History {
	h := &train.History{BestEpoch: 14, StoppedEarly: true}
	for e := 1; e <= 19; e++ {
		x := float64(e)
		h.Epochs = append(h.Epochs, train.Epoch{Epoch: e, TrainLoss: 0.7*math.Exp(-x/5) + 0.05, ValLoss: 0.7*math.Exp(-x/5) + 0.08 + 0.002*math.Max(0, x-14)*math.Max(0, x-14),
			Metrics: map[string]float64{"train_accuracy": 1 - 0.5*math.Exp(-x/4), "val_accuracy": 0.97 - 0.5*math.Exp(-x/4)}})
	}
	return h
}

func TestLossCurvesRender(t *testing.T) {
	f, err := plot.LossCurves(history())
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 1100, 450, 8)
	// Without validation or metrics: one panel, nothing marked.
	h := &train.History{Epochs: []train.Epoch{{Epoch: 1, TrainLoss: 1, ValLoss: math.NaN()}, {Epoch: 2, TrainLoss: 0.5, ValLoss: math.NaN()}}}
	f, err = plot.LossCurves(h, plot.Title("no validation"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 600, 450, 3)
	if _, err := plot.LossCurves(&train.History{}); err == nil {
		t.Fatal("empty history: no error")
	}
}

func TestConfusionMatrixRender(t *testing.T) {
	cm := tensor.FromSlice([]int64{50, 2, 0, 5, 40, 5, 0, 1, 47}, 3, 3)
	for _, norm := range []string{"", "true"} {
		f, err := plot.ConfusionMatrix(cm, []string{"cat", "dog", "bird"}, norm)
		if err != nil {
			t.Fatal(err)
		}
		img := checkPNG(t, f, 500, 450, 8)
		// The largest cell is viridis' yellow end, the empty ones its dark purple end.
		for _, c := range []color.RGBA{{253, 231, 37, 255}, {68, 1, 84, 255}} {
			if !hasColour(img, c, 2) {
				t.Errorf("normalize %q: no cell of colour %v", norm, c)
			}
		}
	}
	yt := tensor.FromSlice([]int64{3, 5, 5, 7, 3}, 5)
	yp := tensor.FromSlice([]int64{3, 5, 7, 7, 5}, 5)
	m, err := metrics.ConfusionMatrix(yt, yp)
	if err != nil {
		t.Fatal(err)
	}
	f, err := plot.ConfusionMatrixOf(m, "pred")
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 500, 450, 8)
	if _, err := plot.ConfusionMatrixOf(&metrics.Matrix{Labels: []int{0}, Counts: [][]int{{1, 2}}}, ""); err == nil {
		t.Fatal("ragged matrix: no error")
	}
	for _, tc := range []struct {
		cm     *tensor.Tensor
		labels []string
		norm   string
		want   string
	}{
		{tensor.Zeros(2, 3), nil, "", "[K, K]"},
		{cm, []string{"a"}, "", "1 labels"},
		{cm, nil, "rows", `"rows"`},
		{tensor.Full(-1, 2, 2), nil, "", "negative"},
	} {
		if _, err := plot.ConfusionMatrix(tc.cm, tc.labels, tc.norm); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to mention %q", err, tc.want)
		}
	}
}

func TestCurvesRender(t *testing.T) {
	c := load(t).Curves[1]
	y, s := tensor.FromSlice(c.YTrue, len(c.YTrue)), tensor.FromSlice(c.Scores, len(c.Scores))
	f, err := plot.ROC(y, s)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 550, 500, 4)
	f, err = plot.PrecisionRecall(y, s)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 550, 500, 4)
	if _, err := plot.ROC(tensor.Ones(4), tensor.Ones(4)); err == nil || !strings.Contains(err.Error(), "both classes") {
		t.Fatalf("one class: err = %v", err)
	}
	if _, err := plot.ROC(tensor.FromSlice([]float32{0, 1, 2}, 3), tensor.Ones(3)); err == nil || !strings.Contains(err.Error(), "0 and 1") {
		t.Fatalf("label 2: err = %v", err)
	}
}

func TestScatterHistogramRender(t *testing.T) {
	X, y := synth.Blobs(200, synth.NumCenters(4), synth.Seed(5))
	f, err := plot.Scatter(X, y, plot.Title("blobs"), plot.AxisLabels("x₁", "x₂"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 600, 450, 6)
	f, err = plot.Histogram(X.Select(1, 0), 0, plot.Title("x₁"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 600, 450, 3)
	if _, err := plot.Histogram(tensor.Ones(5), 3); err != nil {
		t.Fatalf("constant values: %v", err)
	}
	if _, err := plot.Scatter(X, tensor.Full(-2, 200)); err == nil {
		t.Fatal("label -2: no error")
	}
}

func digits(t testing.TB, n int) (*tensor.Tensor, []string) {
	g := load(t)
	var pix []float64
	var names []string
	for i := range n {
		pix = append(pix, g.Digits.Images[i]...)
		names = append(names, string(rune('0'+g.Digits.Target[i])))
	}
	return tensor.FromSlice(pix, n, 8, 8), names
}

func TestImageGridHeatmapsRender(t *testing.T) {
	imgs, names := digits(t, 12)
	f, err := plot.ImageGrid(imgs, names, 6, plot.Title("digits"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 930, 380, 8)
	f, err = plot.ImageGrid(imgs.Unsqueeze(1), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 1230, 380, 8)
	f, err = plot.Heatmaps(imgs.Narrow(0, 0, 3), imgs.Narrow(0, 3, 3), names[:3])
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 930, 205, 30)
	if _, err := plot.Heatmaps(imgs, imgs.Narrow(0, 0, 3), nil); err == nil {
		t.Fatal("3 maps for 12 images: no error")
	}
	if _, err := plot.ImageGrid(tensor.Zeros(2, 2, 3, 3), nil, 0); err == nil {
		t.Fatal("2-channel images: no error")
	}
}

func TestSave(t *testing.T) {
	f, err := plot.Histogram(tensor.FromSlice([]float64{1, 2, 2, 3}, 4), 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"h.png", "h.SVG"} {
		if err := f.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "h.SVG"))
	if !bytes.Contains(b, []byte("<svg")) {
		t.Fatalf("SVG file starts %q", b[:min(len(b), 60)])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("folder holds %d files after two saves (temporary files left?)", len(entries))
	}
	missing := filepath.Join(dir, "nope", "h.png")
	if err := f.Save(missing); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "nope")) {
		t.Fatalf("missing folder: err = %v", err)
	}
	if err := f.Save(filepath.Join(dir, "h.gif")); err == nil || !strings.Contains(err.Error(), ".gif") {
		t.Fatalf("gif: err = %v", err)
	}
	if err := f.Render(&bytes.Buffer{}, "bmp"); err == nil {
		t.Fatal("bmp: no error")
	}
}

// BenchmarkDecisionBoundary renders the circles 2-10-10-10-1 MLP's 200×200 field to PNG:
// one batched forward pass, the field as one image, the 0.5 contour and 1000 points.
func BenchmarkDecisionBoundary(b *testing.B) {
	X, y := synth.Circles(1000, synth.Noise(0.03), synth.Seed(42))
	predict := plot.ModuleProba(circlesMLP(42))
	var buf bytes.Buffer
	b.Run("grid", func(b *testing.B) {
		for b.Loop() {
			if _, err := plot.BoundaryGrid(predict, X); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("png", func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			f, err := plot.DecisionBoundary(predict, X, y)
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			if err := f.Render(&buf, "png"); err != nil {
				b.Fatal(err)
			}
		}
		// CPU time per render: on a shared machine it is steadier than ns/op.
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	})
}

// Degenerate data (one epoch, one point, identical values) still renders.
func TestDegenerateDataRenders(t *testing.T) {
	one := tensor.FromSlice([]float64{1, 1}, 1, 2)
	figs := []func() (*plot.Figure, error){
		func() (*plot.Figure, error) {
			return plot.LossCurves(&train.History{Epochs: []train.Epoch{{Epoch: 1, TrainLoss: 0.3, ValLoss: 0.3}}})
		},
		func() (*plot.Figure, error) { return plot.Scatter(one, nil) },
		func() (*plot.Figure, error) { return plot.Histogram(tensor.Full(2, 3), 0) },
		func() (*plot.Figure, error) {
			return plot.DecisionBoundary(plot.ModuleProba(circlesMLP(0)), one, tensor.Zeros(1), plot.Resolution(2))
		},
		func() (*plot.Figure, error) { return plot.ConfusionMatrix(tensor.Zeros(1, 1), nil, "true") },
		func() (*plot.Figure, error) { return plot.ImageGrid(tensor.Zeros(1, 1, 1), []string{"blank"}, 0) },
	}
	for i, fig := range figs {
		f, err := fig()
		if err != nil {
			t.Fatalf("figure %d: %v", i, err)
		}
		decode(t, f)
	}
}
