package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/explain"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/tensor"
)

// maxExplained caps --index: a figure of more images is no longer readable.
const maxExplained = 64

// parseIndices reads --index: comma-separated items, each a number, a range a..b (b
// excluded, as Python's range(a, b)) or a..=b (b included), all within [0, n).
func parseIndices(s string, n int) ([]int, error) {
	var out []int
	bad := func(item string) error {
		return usagef("invalid --index %q: want numbers, ranges a..b (b excluded: 0..16 is 0 to 15) or a..=b, separated by commas", item)
	}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		lo, hi := item, ""
		incl := false
		if a, b, ok := strings.Cut(item, "..="); ok {
			lo, hi, incl = a, b, true
		} else if a, b, ok := strings.Cut(item, ".."); ok {
			lo, hi = a, b
		}
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || a < 0 {
			return nil, bad(item)
		}
		b := a + 1
		if strings.Contains(item, "..") {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
				return nil, bad(item)
			}
			if incl {
				b++
			}
			if b <= a {
				return nil, usagef("--index %q is an empty range", item)
			}
		}
		if b > n {
			return nil, fmt.Errorf("--index %s is out of range: the test set has %s images, 0 to %d", item, commas(n), n-1)
		}
		if len(out)+b-a > maxExplained {
			return nil, usagef("--index %q selects more than %d images", s, maxExplained)
		}
		for i := a; i < b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// sequentialLayers returns the layers of a Sequential model, or nil.
func sequentialLayers(m nn.Module) []nn.Module {
	if s, ok := m.(*nn.SequentialContainer); ok {
		return s.Layers
	}
	return nil
}

// camLayer picks the layer Grad-CAM weighs: index (−1: the last Conv2d) of the model's
// Sequential.
func camLayer(m nn.Module, index int) (nn.Module, int, error) {
	layers := sequentialLayers(m)
	last := -1
	for i, l := range layers {
		if _, ok := l.(*nn.Conv2dLayer); ok {
			last = i
		}
	}
	switch {
	case last < 0:
		return nil, 0, fmt.Errorf("--method gradcam needs a model with convolutional layers (a Sequential with Conv2d, as ember train --model cnn saves); this model has none: use --method saliency or ig")
	case index < 0:
		return layers[last], last, nil
	case index >= len(layers):
		return nil, 0, usagef("--layer %d is out of range: the model has layers 0 to %d", index, len(layers)-1)
	}
	return layers[index], index, nil
}

func runExplain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("explain", "Shows which pixels a network saved by \"ember train --save\" looks at: for each chosen test\nimage, the image and its heat map overlaid, captioned with the predicted and the true class.\nThe map explains the predicted class: Grad-CAM (the chosen layer's feature maps weighted by\nthe class score's gradient, ReLU, upsampled, scaled to [0, 1]), saliency (|∂score/∂pixel|)\nor integrated gradients (|IG| from a black image).", stdout)
	modelPath := fs.String("model", "", "model file written by ember train --model cnn (or mlp) --save (required)")
	dataName := fs.String("data", "fashion-mnist", "images: fashion-mnist (its test set)")
	fashionDir := fs.String("fashion-dir", "", "Fashion-MNIST folder (default: Debian's "+data.FashionMNISTDir+")")
	index := fs.String("index", "0..6", "test images: a..b (b excluded, as Python's range: 0..16 is images 0 to 15), a..=b (b included), a list 1,5,9, or a mix 0..4,10; at most 64")
	method := fs.String("method", "gradcam", "gradcam, saliency or ig (integrated gradients)")
	layerIdx := fs.Int("layer", -1, "gradcam: index N of the layer whose output it weighs, as model[N] in PyTorch (-1: the last Conv2d)")
	steps := fs.Int("steps", 50, "ig: integration steps")
	output := fs.String("output", "", "figure to write: .png or .svg (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *modelPath == "":
		return usagef("--model is required: a file written by ember train --model cnn --save")
	case *output == "":
		return usagef("--output is required: the .png or .svg file to write")
	case *dataName != "fashion-mnist":
		return usagef("unknown --data %q: explain works on image data: fashion-mnist", *dataName)
	case *method != "gradcam" && *method != "saliency" && *method != "ig":
		return usagef("unknown --method %q: want gradcam, saliency or ig", *method)
	case *steps < 1 || *steps > 10000:
		return usagef("--steps must be in 1..10000, got %d", *steps)
	case *layerIdx < -1:
		return usagef("--layer must be a layer index ≥ 0 (or -1: the last Conv2d), got %d", *layerIdx)
	}
	set := setFlags(fs)
	if set["layer"] && *method != "gradcam" {
		return usagef("--layer applies to --method gradcam only")
	}
	if set["steps"] && *method != "ig" {
		return usagef("--steps applies to --method ig only")
	}
	if err := checkParent("--output", *output); err != nil {
		return err
	}
	s, err := loadSavedModel(*modelPath)
	if err != nil {
		return err
	}
	if s.model == nil {
		return fmt.Errorf("%s holds a classical estimator; explain needs a network (ember train --model cnn or mlp --save)", *modelPath)
	}
	if len(s.features) != 28*28 || s.task != "classification" {
		return fmt.Errorf("%s is not a Fashion-MNIST classifier: it takes %d features (want 784 pixels), task %s", *modelPath, len(s.features), s.task)
	}
	var layer nn.Module
	if *method == "gradcam" {
		if layer, *layerIdx, err = camLayer(s.model, *layerIdx); err != nil {
			return err
		}
	}
	_, test, err := data.LoadFashionMNIST(*fashionDir)
	if err != nil {
		return err
	}
	idx, err := parseIndices(*index, test.Len())
	if err != nil {
		return err
	}
	sel := make([]int64, len(idx))
	for i, v := range idx {
		sel[i] = int64(v)
	}
	pixels := test.X.IndexSelect(0, tensor.FromSlice(sel)) // [N, 784] in [0, 1]
	yTrue := test.Y.IndexSelect(0, tensor.FromSlice(sel)).Int64s()
	x := pixels
	if s.scaler != nil {
		mean := tensor.FromSlice(s.scaler.Mean).Float()
		scale := tensor.FromSlice(s.scaler.Scale).Float()
		x = x.Sub(mean).Div(scale)
	}
	if layers := sequentialLayers(s.model); len(layers) > 0 {
		if _, conv := layers[0].(*nn.Conv2dLayer); conv {
			x = x.Reshape(-1, 1, 28, 28)
		}
	}
	_, pred, _, err := s.predict(x)
	if err != nil {
		return err
	}
	var maps *tensor.Tensor
	switch *method {
	case "gradcam":
		if x.Dim() != 4 {
			return fmt.Errorf("--method gradcam needs a model that takes images [N, 1, 28, 28]; this one takes rows of 784 pixels: use --method saliency or ig")
		}
		if maps, err = explain.GradCAM(s.model, layer, x, explain.Predicted); err != nil {
			err = fmt.Errorf("--layer %d (%T): %w", *layerIdx, layer, err)
		}
	case "saliency":
		maps, err = explain.Saliency(s.model, x, explain.Predicted)
	case "ig":
		if maps, err = explain.IntegratedGradients(s.model, x, nil, explain.Predicted, *steps); err == nil {
			maps = maps.Abs()
		}
	}
	if err != nil {
		return err
	}
	maps = maps.Reshape(-1, 28, 28)
	if *method != "gradcam" {
		maps = scaleMaps(maps)
	}
	titles, mapTitles := make([]string, len(idx)), make([]string, len(idx))
	predIdx := pred.Int64s()
	for i := range idx {
		titles[i] = fmt.Sprintf("#%d true: %s", idx[i], className(s.classes, yTrue[i]))
		mapTitles[i] = "predicted: " + s.classes[predIdx[i]]
		if predIdx[i] != yTrue[i] {
			mapTitles[i] += " (wrong)"
		}
	}
	name := map[string]string{"gradcam": fmt.Sprintf("Grad-CAM (layer %d)", *layerIdx), "saliency": "Saliency", "ig": fmt.Sprintf("Integrated gradients (%d steps)", *steps)}[*method]
	fig, err := plot.Heatmaps(pixels.Reshape(-1, 1, 28, 28), maps, titles, plot.MapTitles(mapTitles...), plot.Title(name+" of the predicted class"))
	if err != nil {
		return err
	}
	if err := fig.Save(*output); err != nil {
		return err
	}
	correct := 0
	for i := range idx {
		if predIdx[i] == yTrue[i] {
			correct++
		}
	}
	fmt.Fprintf(stdout, "wrote %s: %s of %d test image%s (%d predicted correctly)\n", *output, name, len(idx), plural(len(idx)), correct)
	return nil
}

func className(classes []string, k int64) string {
	if k >= 0 && int(k) < len(classes) {
		return classes[k]
	}
	return strconv.FormatInt(k, 10)
}

// scaleMaps scales each non-negative map [N, H, W] to [0, 1] by its 99th percentile,
// clipping above it, as captum's visualisation does: a few extreme pixels would otherwise
// leave the rest dark.
func scaleMaps(maps *tensor.Tensor) *tensor.Tensor {
	n := maps.Size(0)
	v := maps.Float64s()
	per := len(v) / n
	sorted := make([]float64, per)
	for k := range n {
		m := v[k*per : (k+1)*per]
		copy(sorted, m)
		slices.Sort(sorted)
		top := sorted[min(per-1, int(math.Ceil(0.99*float64(per)))-1)]
		for i, x := range m {
			switch {
			case top > 0:
				m[i] = min(x/top, 1)
			default:
				m[i] = 0
			}
		}
	}
	return tensor.FromSlice(v, maps.Shape()...)
}
