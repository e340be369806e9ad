// Command fashion-cnn trains LeNet-5 (torch_bench.py w3: conv 5×5 pad 2, max-pool, conv 5×5, max-pool,
// 400-120-84-10) on Fashion-MNIST (Debian's
// dataset-fashion-mnist) with Adam (lr 3e-3, batch 128, cosine schedule) for 10 epochs.
//
// It should reach a test accuracy of at least 90% (it reaches 90.53% with seed 1, about 3 s an
// epoch on one idle core). `go test -tags long ./examples/fashion-cnn` checks the claim at full
// length: about 2 minutes on CI's 2 cores.
//
//	go run ./examples/fashion-cnn [-dir /usr/share/datasets/fashion-mnist]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/internal/bench"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// lrate is Adam's learning rate; LeNet tolerates a larger one than the MLP.
const lrate = 3e-3

// Run trains for epochs on the first trainRows images (all when 0) and returns the test accuracy.
func Run(dir string, epochs, trainRows int, seed uint64, progress *os.File) (float64, error) {
	trainSet, testSet, err := data.LoadFashionMNIST(dir)
	if err != nil {
		return 0, err
	}
	if trainRows > 0 {
		trainSet = &data.TensorDataset{X: trainSet.X.Narrow(0, 0, trainRows), Y: trainSet.Y.Narrow(0, 0, trainRows)}
	}
	tensor.ManualSeed(seed)
	model := bench.LeNet()
	trainSet = &data.TensorDataset{X: trainSet.X.Reshape(-1, 1, 28, 28), Y: trainSet.Y}
	testSet = &data.TensorDataset{X: testSet.X.Reshape(-1, 1, 28, 28), Y: testSet.Y}
	opt := optim.Adam(model.Parameters(), optim.LR(lrate))
	cfg := train.Config{
		Model: model, Loss: nn.CrossEntropyLoss(), Optimizer: opt, Epochs: epochs,
		Train:     data.Loader(trainSet, 128, data.Shuffle(seed)),
		Scheduler: lr.CosineAnnealingLR(opt, epochs, 0),
		Metrics:   []train.Metric{train.MulticlassAccuracy()},
	}
	if progress != nil {
		cfg.Progress = progress
	}
	if _, err := train.Fit(context.Background(), cfg); err != nil {
		return 0, err
	}
	_, m := train.Evaluate(model, nn.CrossEntropyLoss(), data.Loader(testSet, 1000), []train.Metric{train.MulticlassAccuracy()})
	return m["accuracy"], nil
}

func main() {
	dir := flag.String("dir", "", "Fashion-MNIST folder (default: Debian's)")
	flag.Parse()
	acc, err := Run(*dir, 10, 0, 1, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("test accuracy: %.4f\n", acc)
}
