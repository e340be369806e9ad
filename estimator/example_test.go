package estimator_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/estimator"
	"github.com/ember-ml/ember/svm"
)

// A scaler and an SVM in one pipeline, fitted, saved to one file and loaded back.
func ExamplePipeline() {
	X, y := synth.Moons(500, synth.Noise(0.2), synth.Seed(0))
	train, test, _ := data.TrainTestSplit(X, y, 0.2, 42, data.Stratify())

	model := estimator.NewPipeline(&data.StandardScaler{}, svm.NewSVC())
	if err := model.Fit(train.X, train.Y); err != nil {
		panic(err)
	}
	acc, _ := model.Score(test.X, test.Y)
	fmt.Printf("steps: %s, %s; test accuracy %.3f\n", model.Steps[0].Name, model.Steps[1].Name, acc)

	dir, _ := os.MkdirTemp("", "ember")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "moons-svc.safetensors")
	if err := estimator.Save(path, model, nil); err != nil {
		panic(err)
	}
	loaded, _, err := estimator.Load(path)
	if err != nil {
		panic(err)
	}
	acc2, _ := loaded.(*estimator.Pipeline).Score(test.X, test.Y)
	fmt.Printf("loaded: test accuracy %.3f\n", acc2)
	// Output:
	// steps: standardscaler, svc; test accuracy 0.960
	// loaded: test accuracy 0.960
}
