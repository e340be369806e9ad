// Command pca-fashion runs PCA on Fashion-MNIST's 60,000 training images (784 pixels in
// [0, 1], from Debian's dataset-fashion-mnist): it prints the variance explained by the first
// components, the mean squared reconstruction error with 10, 50 and 200 components, and the
// 2-component projection's class centres; then it trains the same softmax-regression model
// (one Linear layer, cross-entropy, Adam, 5 epochs, seed 1) on the 50 principal components
// and on all 784 pixels and compares their test accuracy.
//
// It should show 50 components keeping at least 85% of the variance and a classifier on them
// within 3 points of one on all pixels, with a sixteenth of the inputs. With seed 1 it prints
// (its long test, `go test -tags long ./examples/pca-fashion`, checks these figures; about a
// minute on CI's 2 cores):
//
//	components  variance explained  reconstruction MSE
//	         2              0.4679                   -
//	        10              0.7199             0.02437
//	        50              0.8627             0.01195
//	       200              0.9531             0.00407
//	…
//	softmax regression test accuracy: 0.8230 on 50 components, 0.8417 on 784 pixels
//
//	go run ./examples/pca-fashion
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// Result is what a run measures.
type Result struct {
	Cumulative    map[int]float64 // explained variance ratio of the first k components
	ReconError    map[int]float64 // mean squared reconstruction error per pixel with k components
	CentresPC     [][2]float64    // each class's mean in the 2-component projection
	AccuracyPCA50 float64         // test accuracy of softmax regression on 50 components
	AccuracyAll   float64         // … on all 784 pixels
}

// Run loads Fashion-MNIST from dir (Debian's folder when empty) and measures everything.
func Run(dir string, seed uint64) (*Result, error) {
	trainSet, testSet, err := data.LoadFashionMNIST(dir)
	if err != nil {
		return nil, err
	}
	Xtr, Xte := trainSet.X.Flatten(1, -1), testSet.X.Flatten(1, -1)
	res := &Result{Cumulative: map[int]float64{}, ReconError: map[int]float64{}}
	pca := decomp.NewPCA(200)
	pca.RandomState = seed
	Z, err := pca.FitTransform(Xtr)
	if err != nil {
		return nil, err
	}
	ratios := pca.ExplainedVarianceRatio.Float64s()
	for _, k := range []int{2, 10, 50, 200} {
		sum := 0.0
		for _, r := range ratios[:k] {
			sum += r
		}
		res.Cumulative[k] = sum
	}
	X64 := Xtr.Double()
	for _, k := range []int{10, 50, 200} {
		back := Z.Narrow(1, 0, k).MatMul(pca.Components.Narrow(0, 0, k)).Add(pca.Mean)
		d := back.Sub(X64)
		res.ReconError[k] = d.Mul(d).Mean().Item()
	}
	res.CentresPC = classCentres(Z.Narrow(1, 0, 2), trainSet.Y)

	// The first 50 of the 200 components are the 50-component PCA (up to the randomized
	// solver's precision).
	Zte, err := pca.Transform(Xte)
	if err != nil {
		return nil, err
	}
	Z50, Z50te := Z.Narrow(1, 0, 50).Contiguous(), Zte.Narrow(1, 0, 50).Contiguous()
	if res.AccuracyPCA50, err = softmaxRegression(Z50.Float(), trainSet.Y, Z50te.Float(), testSet.Y, seed); err != nil {
		return nil, err
	}
	if res.AccuracyAll, err = softmaxRegression(Xtr, trainSet.Y, Xte, testSet.Y, seed); err != nil {
		return nil, err
	}
	return res, nil
}

// classCentres returns the mean 2-D projection of each class.
func classCentres(Z2, y *tensor.Tensor) [][2]float64 {
	z, labels := Z2.Float64s(), y.Int64s()
	sums := make([][2]float64, 10)
	counts := make([]float64, 10)
	for i, l := range labels {
		sums[l][0] += z[2*i]
		sums[l][1] += z[2*i+1]
		counts[l]++
	}
	for c := range sums {
		sums[c][0] /= counts[c]
		sums[c][1] /= counts[c]
	}
	return sums
}

// softmaxRegression trains Linear(features, 10) with cross-entropy and Adam (lr 1e-2, batch
// 256, 5 epochs) and returns the test accuracy.
func softmaxRegression(Xtr, ytr, Xte, yte *tensor.Tensor, seed uint64) (float64, error) {
	g := tensor.NewGenerator(seed)
	model := nn.Linear(Xtr.Size(1), 10, nn.WithGenerator(g))
	trainSet, err := data.NewTensorDataset(Xtr, ytr)
	if err != nil {
		return 0, err
	}
	testSet, err := data.NewTensorDataset(Xte, yte)
	if err != nil {
		return 0, err
	}
	_, err = train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.CrossEntropyLoss(), Optimizer: optim.Adam(nn.Parameters(model), optim.LR(1e-2)),
		Epochs: 5, Train: data.Loader(trainSet, 256, data.Shuffle(seed)),
	})
	if err != nil {
		return 0, err
	}
	_, m := train.Evaluate(model, nn.CrossEntropyLoss(), data.Loader(testSet, 1000), []train.Metric{train.MulticlassAccuracy()})
	return m["accuracy"], nil
}

func main() {
	res, err := Run("", 1)
	if err != nil {
		log.Fatal(err)
	}
	names := data.FashionMNISTClasses
	fmt.Println("components  variance explained  reconstruction MSE")
	for _, k := range []int{2, 10, 50, 200} {
		mse := "-"
		if e, ok := res.ReconError[k]; ok {
			mse = fmt.Sprintf("%.5f", e)
		}
		fmt.Printf("%10d  %18.4f  %18s\n", k, res.Cumulative[k], mse)
	}
	fmt.Println("\nclass centres in the first two components:")
	for c, p := range res.CentresPC {
		fmt.Printf("  %-12s %7.3f %7.3f\n", names[c], p[0], p[1])
	}
	fmt.Printf("\nsoftmax regression test accuracy: %.4f on 50 components, %.4f on 784 pixels\n", res.AccuracyPCA50, res.AccuracyAll)
}
