package cli

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

func TestParseIndices(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{
		{"0..4", []int{0, 1, 2, 3}},
		{"0..=3", []int{0, 1, 2, 3}},
		{"7", []int{7}},
		{"1,5,9", []int{1, 5, 9}},
		{"0..2, 8 ,9..=10", []int{0, 1, 8, 9, 10}},
		{"9..10", []int{9}},
	} {
		got, err := parseIndices(c.in, 11)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("parseIndices(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"3..1", "empty range"},
		{"2..2", "empty range"},
		{"a", "invalid --index"},
		{"-1", "invalid --index"},
		{"1..", "invalid --index"},
		{"", "invalid --index"},
		{"10..12", "out of range: the test set has 11 images, 0 to 10"},
		{"0..=11", "out of range"},
		{"0..65", "more than 64"},
	} {
		n := 11
		if c.in == "0..65" {
			n = 100
		}
		if _, err := parseIndices(c.in, n); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseIndices(%q, %d): %v, want an error containing %q", c.in, n, err, c.want)
		}
	}
}

// saveFashionNet trains model for one epoch on the first n Fashion-MNIST training images
// (as [n, 1, 28, 28] when images) and saves it as ember train --save would.
func saveFashionNet(t *testing.T, tr *data.TensorDataset, model nn.Module, images bool, n int, path string) {
	t.Helper()
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sub := tr.Subset(idx)
	if images {
		sub = &data.TensorDataset{X: sub.X.Reshape(-1, 1, 28, 28), Y: sub.Y}
	}
	opt, err := optim.ByName("adam", nn.Parameters(model), optim.LR(3e-3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.Fit(context.Background(), train.Config{Model: model, Loss: nn.CrossEntropyLoss(), Optimizer: opt, Epochs: 1,
		Train: data.Loader(sub, 64, data.Shuffle(1))}); err != nil {
		t.Fatal(err)
	}
	ds := &dataset{X: tr.X, task: "classification", classes: data.FashionMNISTClasses}
	features, target := featureNames(ds)
	if err := saveTrained(path, model, ds, features, target, nil); err != nil {
		t.Fatal(err)
	}
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExplainFashionMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Fashion-MNIST")
	}
	start := time.Now()
	tr, _, err := data.LoadFashionMNIST("")
	if err != nil {
		t.Skipf("no Fashion-MNIST: %v", err)
	}
	dir := t.TempDir()
	cnnPath, mlpPath := filepath.Join(dir, "cnn.safetensors"), filepath.Join(dir, "mlp.safetensors")
	tensor.ManualSeed(3)
	pool := tensor.PoolOptions{Kernel: [2]int{2, 2}}
	cnn := nn.Sequential(
		nn.Conv2d(1, 4, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}), nn.ReLU(), nn.MaxPool2d(pool),
		nn.Conv2d(4, 8, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}), nn.ReLU(), nn.MaxPool2d(pool),
		nn.Flatten(), nn.Linear(8*7*7, 10))
	saveFashionNet(t, tr, cnn, true, 2000, cnnPath)
	saveFashionNet(t, tr, nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)), false, 2000, mlpPath)

	for _, c := range []struct {
		args   []string
		images string
	}{
		{[]string{"--model", cnnPath, "--index", "0..4"}, "Grad-CAM (layer 3) of 4 test images"},
		{[]string{"--model", cnnPath, "--index", "2,9", "--layer", "0"}, "Grad-CAM (layer 0) of 2 test images"},
		{[]string{"--model", cnnPath, "--index", "0..=2", "--method", "saliency"}, "Saliency of 3 test images"},
		{[]string{"--model", mlpPath, "--index", "5", "--method", "ig", "--steps", "8"}, "Integrated gradients (8 steps) of 1 test image"},
	} {
		out := filepath.Join(dir, "maps.png")
		code, stdout, errs := runCLI(append(append([]string{"explain"}, c.args...), "--output", out)...)
		if code != 0 || !strings.Contains(stdout, c.images) {
			t.Fatalf("%v: exit %d: %s\n%s", c.args, code, errs, stdout)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		fig, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || fig.Width < 300 || fig.Height < 150 {
			t.Fatalf("%v: maps.png %v, %v", c.args, fig, err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", mlpPath}, "needs a model with convolutional layers"},
		{[]string{"--model", cnnPath, "--index", "9999..10001"}, "--index 9999..10001 is out of range: the test set has 10,000 images, 0 to 9999"},
		{[]string{"--model", cnnPath, "--layer", "12"}, "--layer 12 is out of range: the model has layers 0 to 7"},
		{[]string{"--model", cnnPath, "--layer", "7"}, "want a feature map"},
		{[]string{"--model", cnnPath, "--method", "ig", "--layer", "0"}, "--layer applies to --method gradcam only"},
		{[]string{"--model", cnnPath, "--method", "lime"}, "unknown --method"},
		{[]string{"--model", filepath.Join(dir, "none.safetensors")}, "none.safetensors"},
		{[]string{"--index", "0"}, "--model is required"},
	} {
		code, _, errs := runCLI(append(append([]string{"explain"}, c.args...), "--output", filepath.Join(dir, "x.png"))...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line containing %q", c.args, code, errs, c.want)
		}
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("took %v, over the 60 s budget", d)
	}
}
