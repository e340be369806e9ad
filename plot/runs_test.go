package plot_test

import (
	"image/color"
	"math"
	"testing"

	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/train"
)

func TestCompareRunsRender(t *testing.T) {
	slow := history()
	fast := &train.History{}
	for _, e := range slow.Epochs[:10] {
		e.TrainLoss, e.ValLoss = e.TrainLoss/2, e.ValLoss/2
		fast.Epochs = append(fast.Epochs, e)
	}
	f, err := plot.CompareRuns([]*train.History{slow, fast}, []string{"slow.jsonl", "fast.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	img := checkPNG(t, f, 1200, 450, 8) // loss and accuracy panels
	// tab10's first two colours, one per run.
	for k, c := range []color.RGBA{{31, 119, 180, 255}, {255, 127, 14, 255}} {
		if !hasColour(img, c, 10) {
			t.Errorf("run %d's colour is missing", k)
		}
	}
	// Without a metric shared by all runs: the loss panel only.
	bare := &train.History{Epochs: []train.Epoch{{Epoch: 1, TrainLoss: 1, ValLoss: math.NaN()}, {Epoch: 2, TrainLoss: 0.5, ValLoss: math.NaN()}}}
	f, err = plot.CompareRuns([]*train.History{slow, bare}, []string{"a", "b"}, plot.Title("two runs"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 650, 450, 3)
	for _, c := range []struct {
		hs    []*train.History
		names []string
	}{
		{nil, nil},
		{[]*train.History{slow}, []string{"a", "b"}},
		{[]*train.History{slow, {}}, []string{"a", "b"}},
		{[]*train.History{nil}, []string{"a"}},
	} {
		if _, err := plot.CompareRuns(c.hs, c.names); err == nil {
			t.Errorf("CompareRuns(%d runs, %v): no error", len(c.hs), c.names)
		}
	}
}

func TestHeatmapsMapTitles(t *testing.T) {
	imgs, names := digits(t, 3)
	f, err := plot.Heatmaps(imgs, imgs, names, plot.MapTitles("a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, f, 930, 205, 30)
	if _, err := plot.Heatmaps(imgs, imgs, names, plot.MapTitles("a")); err == nil {
		t.Fatal("1 map title for 3 images: no error")
	}
}
