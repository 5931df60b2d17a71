System.Console.WriteLine(Dcgan.Probe.Run());
