/**
 * The built-in datasets as data: shape, classes, normalization, default augmentation, where their
 * files sit inside a folder, and the official download source with checksums.
 */
import type { Checksum } from './download'
import type { AugmentOptions, DatasetInfo } from './types'

export type BuiltinId = 'cifar10' | 'cifar100' | 'fashion-mnist' | 'mnist'

export interface DownloadSource {
  /** Tried in order until one serves every file with the right checksum. */
  readonly baseUrls: readonly string[]
  readonly files: readonly { readonly name: string; readonly checksum: Checksum }[]
  /** When set, each file is a .tar.gz whose members under this folder are unpacked (CIFAR). */
  readonly extract?: string
}

export interface CatalogEntry {
  readonly info: DatasetInfo
  /** Sub-folders of a searched folder that may hold the files; '' is the folder itself. */
  readonly layouts: readonly string[]
  /** Files that must all be present; each as alternatives (plain or gzipped). */
  readonly required: readonly (readonly string[])[]
  readonly source: DownloadSource
  /** Extra ways to get the files, for the not-found message. */
  readonly hint?: string
}

const CIFAR_AUG: AugmentOptions = { cropPadding: 4, flip: true, cutout: 0 }

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const

/** fine_label_names.txt of cifar-100-binary (alphabetical, which is the label order). */
export const CIFAR100_CLASSES =
  `apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel
can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish
forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain
mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy porcupine possum rabbit
raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper
table tank telephone television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm`.split(/\s+/)

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const

const IDX_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const
const idxRequired = IDX_FILES.map((f) => [f, `${f}.gz`])

export const CATALOG: Readonly<Record<BuiltinId, CatalogEntry>> = {
  cifar10: {
    info: {
      id: 'cifar10',
      label: 'CIFAR-10',
      shape: { height: 32, width: 32, channels: 3 },
      numClasses: 10,
      classNames: CIFAR10_CLASSES,
      // DARTS utils._data_transforms_cifar10.
      normalization: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
      augment: CIFAR_AUG,
    },
    layouts: ['', 'cifar-10-batches-bin'],
    required: [1, 2, 3, 4, 5].map((i) => [`data_batch_${i}.bin`]).concat([['test_batch.bin']]),
    source: {
      baseUrls: ['https://www.cs.toronto.edu/~kriz/'],
      // md5 from the dataset page https://www.cs.toronto.edu/~kriz/cifar.html
      files: [{ name: 'cifar-10-binary.tar.gz', checksum: { md5: 'c32a1d4ab5d03f1284b67883e8d87530' } }],
      extract: 'cifar-10-batches-bin',
    },
  },
  cifar100: {
    info: {
      id: 'cifar100',
      label: 'CIFAR-100',
      shape: { height: 32, width: 32, channels: 3 },
      numClasses: 100,
      classNames: CIFAR100_CLASSES,
      normalization: { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] },
      augment: CIFAR_AUG,
    },
    layouts: ['', 'cifar-100-binary'],
    required: [['train.bin'], ['test.bin']],
    source: {
      baseUrls: ['https://www.cs.toronto.edu/~kriz/'],
      files: [{ name: 'cifar-100-binary.tar.gz', checksum: { md5: '03b5dce01913d631647c71ecec9e9cb8' } }],
      extract: 'cifar-100-binary',
    },
  },
  'fashion-mnist': {
    info: {
      id: 'fashion-mnist',
      label: 'Fashion-MNIST',
      shape: { height: 28, width: 28, channels: 1 },
      numClasses: 10,
      classNames: FASHION_MNIST_CLASSES,
      normalization: { mean: [0.286], std: [0.353] },
      // Clothes are left/right symmetric enough for flips; digits are not (see mnist).
      augment: { cropPadding: 2, flip: true, cutout: 0 },
    },
    layouts: ['', 'FashionMNIST/raw'],
    required: idxRequired,
    source: {
      baseUrls: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
      // md5s of the official .gz files, from the project's README (zalandoresearch/fashion-mnist). Debian's
      // dataset-fashion-mnist ships recompressed .gz files with other md5s; only downloads are checked.
      files: [
        { name: 'train-images-idx3-ubyte.gz', checksum: { md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' } },
        { name: 'train-labels-idx1-ubyte.gz', checksum: { md5: '25c81989df183df01b3e8a0aad5dffbe' } },
        { name: 't10k-images-idx3-ubyte.gz', checksum: { md5: 'bef4ecab320f06d8554ea6380940ec79' } },
        { name: 't10k-labels-idx1-ubyte.gz', checksum: { md5: 'bb300cfdad3c16e7a12a480ee83cd310' } },
      ],
    },
    hint: 'apt-get install dataset-fashion-mnist (Debian/Ubuntu)',
  },
  mnist: {
    info: {
      id: 'mnist',
      label: 'MNIST',
      shape: { height: 28, width: 28, channels: 1 },
      numClasses: 10,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      normalization: { mean: [0.1307], std: [0.3081] },
      // No flip: a mirrored 2 or 7 is not a digit.
      augment: { cropPadding: 2, flip: false, cutout: 0 },
    },
    layouts: ['', 'MNIST/raw'],
    required: idxRequired,
    source: {
      // LeCun's page is the official host but has refused anonymous downloads at times; PyTorch's mirror
      // serves the identical files. md5s as in torchvision.datasets.MNIST.
      baseUrls: ['http://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
      files: [
        { name: 'train-images-idx3-ubyte.gz', checksum: { md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' } },
        { name: 'train-labels-idx1-ubyte.gz', checksum: { md5: 'd53e105ee54ea40749a09fcbcd1e9432' } },
        { name: 't10k-images-idx3-ubyte.gz', checksum: { md5: '9fb629c4189551a2d022fa330f9573f3' } },
        { name: 't10k-labels-idx1-ubyte.gz', checksum: { md5: 'ec29112dd5afa0611ce80d1b7f02629c' } },
      ],
    },
  },
}
