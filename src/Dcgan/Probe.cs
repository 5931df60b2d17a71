namespace Dcgan;
public static class Probe { public static string Run() { var t = TorchSharp.torch.randn(2,2); return t.ToString(TorchSharp.TensorStringStyle.Numpy); } }
