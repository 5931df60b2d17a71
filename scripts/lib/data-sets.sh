# Sourced by the experiment scripts: the two real data sets they compare on.
#   select_data_set SET  ->  sets $data (what --data takes) and $real_n (eval's flags for the real side)
# Fashion-MNIST's 60,000 images are scored against 2,000 of them (the features of all would take longer than the
# runs); the emoji set against all 2,065.
select_data_set() {
  case "$1" in
    fashion-mnist)
      data=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
      [ -f "$data" ] || { echo "Fashion-MNIST missing: apt-get install dataset-fashion-mnist" >&2; exit 1; }
      real_n=(--real-n 2000) ;;
    emoji) data=emoji; real_n=() ;;
    *) echo "unknown set '$1': fashion-mnist or emoji" >&2; exit 1 ;;
  esac
}
