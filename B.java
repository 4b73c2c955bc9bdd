public class B { public static void main(String[] a) throws Exception { new java.net.ServerSocket(Integer.parseInt(System.getenv("PORT"))); } }
